import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/api/app'
import { createSession, SESSION_TTL_MS, verifySession } from '../../src/dashboard/auth/session'
import { BASE } from '../helpers/api'

const TOKEN = 'dashboard-test-token'
const closed = { ...env, ALLOW_ANONYMOUS_API: undefined, API_TOKEN: undefined }
const withToken = { ...env, ALLOW_ANONYMOUS_API: undefined, API_TOKEN: TOKEN }

const request = (path: string, init: RequestInit = {}, bindings: object = withToken) =>
  app.fetch(new Request(`${BASE}${path}`, { redirect: 'manual', ...init }), bindings)

const login = (token: string, origin = BASE) =>
  request('/login', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, next: '/flows' }).toString(),
  })

describe('dashboard sessions', () => {
  it('are signed with the token, expire, and refuse tampering', async () => {
    const now = Date.now()
    const session = await createSession(TOKEN, now)
    expect(session).not.toContain(TOKEN)
    expect(await verifySession(TOKEN, session, now)).toBe(true)
    expect(await verifySession('another token', session, now)).toBe(false)
    expect(await verifySession(TOKEN, session, now + SESSION_TTL_MS + 1)).toBe(false)
    const [version, expires, nonce, signature] = session.split('.')
    expect(await verifySession(TOKEN, [version, Number(expires) + 1000, nonce, signature].join('.'), now)).toBe(false)
    expect(await verifySession(TOKEN, undefined, now)).toBe(false)
  })
})

describe('the dashboard with an API token', () => {
  it('sends a visitor to sign in, and signs in with the token for a strict, HttpOnly, Secure cookie', async () => {
    const first = await request('/executions/abc?x=1')
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/login?next=%2Fexecutions%2Fabc%3Fx%3D1')
    const form = await request('/login?next=/flows')
    expect(form.status).toBe(200)
    expect(await form.text()).not.toContain(TOKEN)
    expect((await login('wrong')).status).toBe(400)
    const signedIn = await login(TOKEN)
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe('/flows')
    const cookie = signedIn.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^__Host-edgeflow-session=v1\./)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('Secure')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/')
    expect(cookie).not.toContain(TOKEN)
    const session = cookie.split(';')[0] as string
    const page = await request('/flows', { headers: { cookie: session } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(await page.text()).not.toContain(TOKEN)
    // the session opens the dashboard, not the API
    expect((await request('/api/flows', { headers: { cookie: session } })).status).toBe(401)
    // a cross-origin post is refused, a same-origin one goes through to the API
    const forged = await request('/executions/abc/kill', {
      method: 'POST',
      headers: { cookie: session, origin: 'https://evil.example' },
    })
    expect(forged.status).toBe(403)
    const noOrigin = await request('/executions/abc/kill', { method: 'POST', headers: { cookie: session } })
    expect(noOrigin.status).toBe(403)
    const real = await request('/executions/abc/kill', {
      method: 'POST',
      headers: { cookie: session, origin: BASE, accept: 'application/json' },
    })
    expect(real.status).toBe(404)
    expect(((await real.json()) as { message: string }).message).toContain('execution abc not found')
    // signing in from another origin is refused too
    expect((await login(TOKEN, 'https://evil.example')).status).toBe(403)
    const out = await request('/logout', { method: 'POST', headers: { cookie: session, origin: BASE } })
    expect(out.status).toBe(303)
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-edgeflow-session=;.*Max-Age=0/)
  })

  it('is closed, saying how to open it, when there is neither a token nor ALLOW_ANONYMOUS_API', async () => {
    const page = await request('/', {}, closed)
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/login')
    const login = await request('/login', {}, closed)
    expect(await login.text()).toContain('The dashboard is closed')
  })
})
