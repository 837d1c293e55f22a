import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app, hooksApp, isHookUrl } from '../../src/api/app'
import { putFlow, uniqueId } from '../helpers/api'

const { API_TOKEN: _token, ALLOWED_HOSTS: _hosts, ...bindings } = env
const open = { ...bindings, ALLOW_ANONYMOUS_API: 'true' }

/** Status, error code and the headers a client reads, of an answer. */
async function answer(response: Response) {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
  return { status: response.status, error: body?.error, allow: response.headers.get('allow') }
}

describe('the webhook path, routed on its own (hooksApp)', () => {
  it('takes exactly the URLs the whole app routes to the webhook', () => {
    for (const url of ['http://h/hooks/a', 'http://h/hooks/a_b-1?x=1', 'http://h:8787/hooks/a#f', 'HTTP://H/hooks/%20'])
      expect(isHookUrl(url), url).toBe(true)
    for (const url of [
      'http://h/hooks/',
      'http://h/hooks',
      'http://h/hooks/a/b',
      'http://h/hooksa/b',
      'http://h/api/hooks/a',
      'http://h/x/hooks/a',
    ])
      expect(isHookUrl(url), url).toBe(false)
  })

  it('answers every refusal as the whole app does: host check, body limit, unknown flow, method, no webhook trigger', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, {
      triggers: [{ type: 'webhook', methods: ['PUT'] }],
      tasks: [{ id: 'a', type: 'set', values: { x: 1 } }],
    })
    const scheduled = uniqueId()
    await putFlow(scheduled, {
      triggers: [{ type: 'schedule', cron: '0 0 * * *' }],
      tasks: [{ id: 'a', type: 'set', values: { x: 1 } }],
    })
    const cases: [string, RequestInit, object][] = [
      ['http://evil.example/hooks/' + flowId, { method: 'PUT', body: '{}' }, open],
      ['http://localhost/hooks/' + flowId, { method: 'PUT', body: 'x'.repeat(1024 * 1024 + 1) }, open],
      ['http://localhost/hooks/nope_' + flowId, { method: 'POST', body: '{}' }, open],
      ['http://localhost/hooks/' + flowId, { method: 'POST', body: '{}' }, open],
      ['http://localhost/hooks/' + scheduled, { method: 'POST', body: '{}' }, open],
      ['http://localhost/hooks/' + flowId.toUpperCase() + '!', { method: 'POST', body: '{}' }, open],
    ]
    for (const [url, init, vars] of cases) {
      const whole = await answer(await app.fetch(new Request(url, init), vars))
      const alone = await answer(await hooksApp.fetch(new Request(url, init), vars))
      expect(whole.status, url).toBeGreaterThanOrEqual(400)
      expect(alone, `${init.method} ${url}`).toEqual(whole)
    }
  })
})
