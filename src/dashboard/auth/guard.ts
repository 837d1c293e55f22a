/**
 * @module Who may use the dashboard: everyone when the API is open (ALLOW_ANONYMOUS_API="true"),
 * a signed-in session when an API token is set; and state-changing requests only from this origin.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Env } from '../../env'
import { SESSION_COOKIE, verifySession } from './session'

export type Access = 'open' | 'session' | 'closed'

/** How the dashboard is guarded with this configuration. */
export function accessOf(env: Env): Access {
  if (env.API_TOKEN) return 'session'
  return env.ALLOW_ANONYMOUS_API === 'true' ? 'open' : 'closed'
}

export const sessionCookie = (c: Context) => getCookie(c, SESSION_COOKIE, 'host')

/** True when the request may see the dashboard. */
export async function signedIn(c: Context<{ Bindings: Env }>): Promise<boolean> {
  const access = accessOf(c.env)
  if (access !== 'session') return access === 'open'
  return verifySession(c.env.API_TOKEN as string, sessionCookie(c), Date.now())
}

/** Pages and actions need a session (or an open API); a page asks for one at /login. */
export const requireSession = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function requireSession(c, next) {
    if (await signedIn(c)) return next()
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

/** Only a local path: no scheme, no host, no `//`. */
export const safeNext = (next: string | undefined): string =>
  next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/'
