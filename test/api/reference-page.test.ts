import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/api/app'
import { call, json } from '../helpers/api'

describe('GET /api/docs', () => {
  it('renders every operation and schema of the document as a page with nothing from another host', async () => {
    const { API_TOKEN: _token, ALLOW_ANONYMOUS_API: _anonymous, ...bindings } = env
    // open even when the API is closed: it describes the API and holds no data
    const response = await app.fetch(new Request('http://edgeflow.test/api/docs'), { ...bindings, API_TOKEN: 's3cret' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const page = await response.text()
    const document = await json(call('GET', '/api/openapi.json'))
    for (const item of Object.values(document.paths) as Record<string, { operationId: string }>[])
      for (const operation of Object.values(item)) expect(page).toContain(`id="${operation.operationId}"`)
    for (const name of Object.keys(document.components.schemas)) expect(page).toContain(`id="schema-${name}"`)
    expect(page).toContain('href="#schema-Accepted"')
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//)
  })

  it('is linked from the dashboard navigation', async () => {
    const page = await (await call('GET', '/flows')).text()
    expect(page).toContain('href="/api/docs"')
    expect(await (await call('GET', '/api/docs')).text()).toMatch(/href="\/api\/docs" aria-current="page"/)
  })
})
