import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/api/app'
import { generateSignedCookie } from 'hono/cookie'
import { newSession, SESSION_COOKIE, SESSION_TTL_MS, sessionKey, sessionOf } from '../../src/dashboard/auth/session'
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

/** A cookie header holding `value` signed as the dashboard signs sessions, under `token`. */
const signed = async (value: string, token = TOKEN) =>
  (await generateSignedCookie(SESSION_COOKIE, value, sessionKey(token), { prefix: 'host' })).split(';')[0] as string

/** The cookie a successful sign-in sets, as a request header. */
async function signIn(): Promise<string> {
  const response = await login(TOKEN)
  expect(response.status).toBe(303)
  return (response.headers.get('set-cookie') ?? '').split(';')[0] as string
}

const opens = async (cookie: string) => (await request('/flows', { headers: { cookie } })).status === 200

describe('dashboard sessions', () => {
  it('hold an expiry and a nonce, and are read back only before they expire', () => {
    const now = Date.now()
    const session = newSession(now)
    expect(session.expires).toBe(now + SESSION_TTL_MS)
    expect(sessionOf(session.value, now)).toEqual(session)
    expect(sessionOf(session.value, session.expires)).toBeNull()
    expect(newSession(now).nonce).not.toBe(session.nonce)
    for (const value of ['', 'v1', `v2.${now + 1000}.abc`, `v1.soon.abc`, `v1.${now + 1000}.`, `v1.${now + 1000}.a.b`])
      expect(sessionOf(value, now)).toBeNull()
  })

  it('are signed with a key from the token: another token, a changed value or an expired one open nothing', async () => {
    const good = newSession(Date.now())
    expect(await opens(await signed(good.value))).toBe(true)
    expect(await opens(await signed(good.value, 'another token'))).toBe(false)
    expect(await opens(await signed(`v1.${Date.now() - 1}.${good.nonce}`))).toBe(false)
    const [name, value] = (await signed(good.value)).split('=') as [string, string]
    const tampered = `${name}=${value.replace(String(good.expires), String(good.expires + 1000))}`
    expect(tampered).not.toBe(`${name}=${value}`)
    expect(await opens(tampered)).toBe(false)
    // the token itself, as a raw HMAC key, does not sign sessions
    const raw = (await generateSignedCookie(SESSION_COOKIE, good.value, TOKEN, { prefix: 'host' })).split(
      ';',
    )[0] as string
    expect(await opens(raw)).toBe(false)
  })

  it('end at sign-out for every copy of the cookie, server-side; other sessions go on', async () => {
    const session = await signIn()
    const other = await signIn()
    expect(await opens(session)).toBe(true)
    const out = await request('/logout', { method: 'POST', headers: { cookie: session, origin: BASE } })
    expect(out.status).toBe(303)
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-edgeflow-session=;.*Max-Age=0/)
    // the browser forgets the cookie; a copy of its value (another tab's, a stolen one) is refused
    const after = await request('/flows', { headers: { cookie: session } })
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toBe('/login?next=%2Fflows')
    // the page built meanwhile is dropped whole: none of its headers or body reach the answer
    expect(after.headers.get('content-security-policy')).toBeNull()
    expect(await after.text()).toBe('')
    const action = await request('/executions/abc/kill', { method: 'POST', headers: { cookie: session, origin: BASE } })
    expect(action.status).toBe(401)
    expect((await request('/login', { headers: { cookie: session } })).status).toBe(200)
    expect(await opens(other)).toBe(true)
    // signing out again, or without a session, is harmless
    expect((await request('/logout', { method: 'POST', headers: { cookie: session, origin: BASE } })).status).toBe(303)
    expect((await request('/logout', { method: 'POST', headers: { origin: BASE } })).status).toBe(303)
  })

  it('prune revocations past their expiry at each sign-out', async () => {
    await env.DB.prepare('INSERT INTO revoked_sessions (nonce, expires_at) VALUES (?, ?)').bind('stale', 1).run()
    const session = await signIn()
    await request('/logout', { method: 'POST', headers: { cookie: session, origin: BASE } })
    const stale = await env.DB.prepare('SELECT nonce FROM revoked_sessions WHERE nonce = ?').bind('stale').first()
    expect(stale).toBeNull()
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
