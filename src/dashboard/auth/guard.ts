/**
 * @module Who may use the dashboard: everyone when the API is open (ALLOW_ANONYMOUS_API="true"),
 * a signed-in session when an API token is set; and state-changing requests only from this origin.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getSignedCookie } from 'hono/cookie'
import { accessOf } from '../../domain/access'
import type { Env } from '../../env'
import { type Revocations, type Session, SESSION_COOKIE, sessionKey, sessionOf } from './session'

/** The session in the request's cookie when it is signed under this token and not expired: an HMAC, no I/O. */
async function signedSession(c: Context<{ Bindings: Env }>): Promise<Session | null> {
  const token = c.env.API_TOKEN
  if (!token) return null
  const value = await getSignedCookie(c, sessionKey(token), SESSION_COOKIE, 'host')
  return typeof value === 'string' ? sessionOf(value, Date.now()) : null
}

/** The request's session, signed, unexpired and not signed out (one D1 read by primary key); else null. */
export async function currentSession(c: Context<{ Bindings: Env }>, revocations: Revocations): Promise<Session | null> {
  const session = await signedSession(c)
  if (session === null || (await revocations.revoked(c.env.DB, session.nonce))) return null
  return session
}

/** True when the request may see the dashboard. */
export async function signedIn(c: Context<{ Bindings: Env }>, revocations: Revocations): Promise<boolean> {
  const access = accessOf(c.env)
  if (access !== 'session') return access === 'open'
  return (await currentSession(c, revocations)) !== null
}

/** A page asks for a session at /login, and comes back after; an action is refused. Built apart from the context, whose answer it may replace. */
function signInFirst(request: Request): Response {
  if (request.method !== 'GET') {
    return new Response('sign in first', { status: 401, headers: { 'content-type': 'text/plain; charset=UTF-8' } })
  }
  const url = new URL(request.url)
  const location = `/login?next=${encodeURIComponent(url.pathname + url.search)}`
  return new Response(null, { status: 303, headers: { location } })
}

/**
 * Pages and actions need a session (or an open API). An action is checked before it acts; a page,
 * which only reads, is built while D1 is asked whether its session was signed out, and replaced by
 * the way to /login if it was: the read costs no time on the page's path.
 */
export const requireSession = (revocations: Revocations): MiddlewareHandler<{ Bindings: Env }> =>
  async function requireSession(c, next) {
    const access = accessOf(c.env)
    if (access === 'open') return next()
    if (access === 'closed') return c.redirect('/login', 303)
    const session = await signedSession(c)
    if (session === null) return signInFirst(c.req.raw)
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return (await revocations.revoked(c.env.DB, session.nonce)) ? signInFirst(c.req.raw) : next()
    }
    const [revoked] = await Promise.all([revocations.revoked(c.env.DB, session.nonce), next()])
    if (revoked) {
      // dropped first, so that none of the page's headers are carried over to the redirect
      c.res = undefined
      c.res = signInFirst(c.req.raw)
    }
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
