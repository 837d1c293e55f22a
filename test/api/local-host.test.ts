import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/api/app'
import { allowedHosts, localHost } from '../../src/api/middleware/local-host'
import { json } from '../helpers/api'

const { API_TOKEN: _token, ALLOW_ANONYMOUS_API: _anonymous, ALLOWED_HOSTS: _hosts, ...bindings } = env
const open = { ...bindings, ALLOW_ANONYMOUS_API: 'true' }

const fetchAt = (origin: string, path: string, vars: object = open, init: RequestInit = {}) =>
  app.fetch(new Request(`${origin}${path}`, { redirect: 'manual', ...init }), vars)

const LOOPBACK = [
  'http://localhost:8787',
  'http://LOCALHOST',
  'http://127.0.0.1:8787',
  'http://127.255.0.9',
  // other ways to write 127.0.0.1, which the URL parser normalises
  'http://127.1',
  'http://0x7f.0.0.1',
  'http://2130706433',
  'http://[::1]:8787',
  'http://[0:0:0:0:0:0:0:1]',
]

const ELSEWHERE = [
  'http://evil.example',
  'http://localhost.evil.example',
  'http://127.0.0.1.evil.example',
  'http://127.0.0.1.nip.io',
  'http://localhost.',
  'http://foo.localhost',
  'http://10.0.0.1:8787',
  'http://0.0.0.0:8787',
  'http://[::2]',
  'http://[::ffff:7f00:1]',
  'http://edgeflow.test',
]

describe('the open local mode (ALLOW_ANONYMOUS_API, no token) against DNS rebinding', () => {
  it.each(LOOPBACK)('answers %s', async (origin) => {
    expect((await fetchAt(origin, '/api/flows')).status).toBe(200)
  })

  it.each(ELSEWHERE)('refuses %s with 403 forbidden, on the API, webhooks and the dashboard', async (origin) => {
    for (const path of ['/api/flows', '/hooks/some-flow', '/', '/flows', '/api/docs']) {
      const response = await fetchAt(origin, path)
      expect(response.status).toBe(403)
      const body = await json(response)
      expect(body.error.code).toBe('forbidden')
      expect(body.error.message).toContain(`host ${new URL(origin).hostname} refused`)
      expect(body.error.message).toContain('ALLOWED_HOSTS')
    }
    // nothing runs: a refused write changes nothing
    const put = await fetchAt(origin, '/api/flows/rebound', open, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tasks: [{ id: 'x', type: 'log', message: '.' }] }),
    })
    expect(put.status).toBe(403)
  })

  it('answers the names ALLOWED_HOSTS lists (comma-separated, any case, spaces ignored)', async () => {
    const vars = { ...open, ALLOWED_HOSTS: ' Edgeflow.test , tunnel.example.com,' }
    expect((await fetchAt('http://edgeflow.test', '/api/flows', vars)).status).toBe(200)
    expect((await fetchAt('https://tunnel.example.com', '/api/flows', vars)).status).toBe(200)
    expect((await fetchAt('http://example.com', '/api/flows', vars)).status).toBe(403)
    expect(allowedHosts(' A.example ,, b ')).toEqual(['a.example', 'b'])
    expect(localHost('a.example', allowedHosts('A.example'))).toBe(true)
  })

  it('leaves the Host alone once a token guards the API, and when the API is closed', async () => {
    const withToken = { ...bindings, API_TOKEN: 'host-test-token' }
    const authorised = { headers: { authorization: 'Bearer host-test-token' } }
    expect((await fetchAt('https://edgeflow.example.workers.dev', '/api/flows', withToken, authorised)).status).toBe(
      200,
    )
    expect((await fetchAt('https://edgeflow.example.workers.dev', '/api/flows', withToken)).status).toBe(401)
    expect((await fetchAt('https://edgeflow.example.workers.dev', '/api/flows', bindings)).status).toBe(401)
  })
})
