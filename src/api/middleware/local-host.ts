/**
 * @module DNS rebinding: a web page whose name an attacker points at 127.0.0.1 is same-origin with
 * its own name, so it could drive an open local edgeflow from the browser of whoever runs it. With
 * the API open (no token, README: Configuration) only loopback `Host` names and those `ALLOWED_HOSTS`
 * lists are answered; with a token, the token is what guards.
 */
import type { MiddlewareHandler } from 'hono'
import { accessOf } from '../../domain/access'
import type { Env } from '../../env'
import { ApiError } from '../errors'

/** 127.0.0.0/8 as the URL parser writes it: every IPv4 form (`127.1`, `0x7f.1`) is normalised to four decimals. */
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

/** The names in a comma-separated `ALLOWED_HOSTS`, lowercased as the URL parser writes a hostname. */
export const allowedHosts = (list: string | undefined): string[] =>
  (list ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')

/** True for a loopback hostname (as `URL.hostname` gives it) or one of `allowed`. */
export const localHost = (hostname: string, allowed: readonly string[]): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_V4.test(hostname) || allowed.includes(hostname)

/** In the open mode, refuses (403) a request whose Host is neither loopback nor listed in `ALLOWED_HOSTS`. */
export const localHostOnly = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function localHostOnly(c, next) {
    if (accessOf(c.env) !== 'open') return next()
    const { hostname } = new URL(c.req.url)
    if (localHost(hostname, allowedHosts(c.env.ALLOWED_HOSTS))) return next()
    throw new ApiError({
      status: 403,
      code: 'forbidden',
      message: `host ${hostname} refused: an edgeflow open without API_TOKEN answers only localhost, 127.0.0.0/8 and [::1], and the names the ALLOWED_HOSTS var lists (comma-separated)`,
    })
  }
