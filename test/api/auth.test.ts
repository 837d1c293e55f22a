import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/api/app'
import { putFlow, uniqueId, json } from '../helpers/api'

function fetchWith(
  vars: Partial<Cloudflare.Env>,
  path: string,
  headers: Record<string, string> = {},
  init: RequestInit = {},
) {
  const { API_TOKEN: _token, ALLOW_ANONYMOUS_API: _anonymous, ...bindings } = env
  return app.fetch(new Request(`http://edgeflow.test${path}`, { ...init, headers }), { ...bindings, ...vars })
}

describe('API auth', () => {
  it('requires the bearer token when API_TOKEN is set', async () => {
    const missing = await fetchWith({ API_TOKEN: 's3cret' }, '/api/flows')
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toContain('Bearer')
    expect((await json(missing)).error.code).toBe('unauthorized')
    expect((await fetchWith({ API_TOKEN: 's3cret' }, '/api/flows', { authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await fetchWith({ API_TOKEN: 's3cret' }, '/api/flows', { authorization: 'Bearer s3cret' })).status).toBe(
      200,
    )
    expect((await fetchWith({ API_TOKEN: 's3cret' }, '/api/flows', { authorization: 'bearer   s3cret' })).status).toBe(
      200,
    )
  })

  it('answers a malformed Authorization header as a wrong token: 401, the same error, the challenge', async () => {
    for (const authorization of ['Basic czNjcmV0', 'Bearer', 'Bearer s3cret!', 'Bearers3cret']) {
      const refused = await fetchWith({ API_TOKEN: 's3cret' }, '/api/flows', { authorization })
      expect(refused.status).toBe(401)
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="edgeflow"')
      expect((await json(refused)).error).toMatchObject({
        code: 'unauthorized',
        message: 'missing or invalid bearer token',
      })
    }
  })

  it('is closed without a token unless ALLOW_ANONYMOUS_API is "true", and says how to set the token', async () => {
    const closed = await fetchWith({}, '/api/flows')
    expect(closed.status).toBe(401)
    expect((await json(closed)).error.message).toContain('wrangler secret put API_TOKEN')
    expect((await fetchWith({ ALLOW_ANONYMOUS_API: 'false' }, '/api/flows')).status).toBe(401)
    expect((await fetchWith({ ALLOW_ANONYMOUS_API: 'true' }, '/api/flows')).status).toBe(200)
  })

  it('does not apply to webhooks', async () => {
    const id = uniqueId()
    await putFlow(id, { tasks: [{ id: 'x', type: 'log', message: '.' }] })
    expect((await fetchWith({ API_TOKEN: 's3cret' }, `/hooks/${id}`, {}, { method: 'POST' })).status).toBe(202)
  })
})

describe('unknown routes', () => {
  it('answer 404 JSON', async () => {
    const response = await fetchWith({ ALLOW_ANONYMOUS_API: 'true' }, '/api/nowhere')
    expect(response.status).toBe(404)
    expect(await json(response)).toEqual({ error: { code: 'not_found', message: 'no route for GET /api/nowhere' } })
  })
})
