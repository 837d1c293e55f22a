/**
 * @module Who may use the dashboard: everyone when the API is open (ALLOW_ANONYMOUS_API="true"),
 * a signed-in session when an API token is set; and state-changing requests only from this origin.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getSignedCookie } from 'hono/cookie'
import { accessOf } from '../../domain/access'
import type { Env } from '../../env'
import { type Revocations, type Session, SESSION_COOKIE, sessionKey, sessionOf } from './session'

/**
 * The session the request's cookie holds: signed under this token, not expired, not signed out;
 * else null. Costs an HMAC and one D1 read by primary key (none without a well-signed cookie).
 */
export async function currentSession(c: Context<{ Bindings: Env }>, revocations: Revocations): Promise<Session | null> {
  const token = c.env.API_TOKEN
  if (!token) return null
  const value = await getSignedCookie(c, sessionKey(token), SESSION_COOKIE, 'host')
  const session = typeof value === 'string' ? sessionOf(value, Date.now()) : null
  if (session === null || (await revocations.revoked(c.env.DB, session.nonce))) return null
  return session
}

/** True when the request may see the dashboard. */
export async function signedIn(c: Context<{ Bindings: Env }>, revocations: Revocations): Promise<boolean> {
  const access = accessOf(c.env)
  if (access !== 'session') return access === 'open'
  return (await currentSession(c, revocations)) !== null
}

/** Pages and actions need a session (or an open API); a page asks for one at /login. */
export const requireSession = (revocations: Revocations): MiddlewareHandler<{ Bindings: Env }> =>
  async function requireSession(c, next) {
    if (await signedIn(c, revocations)) return next()
    if (accessOf(c.env) === 'closed') return c.redirect('/login', 303)
    const url = new URL(c.req.url)
    if (c.req.method !== 'GET') return c.text('sign in first', 401)
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
  }

/** A state-changing request must come from a page of this origin (Origin, else Sec-Fetch-Site). */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin')
  if (origin !== undefined) return origin === new URL(c.req.url).origin
  const site = c.req.header('sec-fetch-site')
  return site === 'same-origin'
}

export const requireSameOrigin = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function requireSameOrigin(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || sameOrigin(c)) return next()
    return c.json(
      {
        error: {
          code: 'forbidden',
          message: 'cross-origin request refused: dashboard actions must come from its pages',
        },
      },
      403,
    )
  }
