/**
 * @module Dashboard sessions: an expiring value `v1.<expires>.<nonce>` in a cookie signed with
 * `hono/cookie` (HMAC-SHA-256) under a key derived from the API token — the token never leaves the
 * server, and changing it ends every session. Signing out revokes the nonce server-side until the
 * session would have expired (store/d1/revoked-sessions.ts), so a copy of the cookie opens nothing.
 */

export const SESSION_COOKIE = 'edgeflow-session'
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

/**
 * Where sign-outs are kept until their sessions would have expired; the API app hands in its D1
 * store (store/d1/revoked-sessions.ts), which the dashboard's layer does not import.
 */
export interface Revocations {
  revoked(db: D1Database, nonce: string): Promise<boolean>
  revoke(db: D1Database, nonce: string, expires: number, now: number): Promise<void>
}

export interface Session {
  /** What the cookie holds, before its signature. */
  value: string
  /** Random, unique to this sign-in: what sign-out revokes. */
  nonce: string
  /** When it ends, in ms since the epoch. */
  expires: number
}

/** The HMAC key for session cookies: the token, in a domain of its own, so no other MAC under the token can pass for one. */
export const sessionKey = (token: string) => `edgeflow-session:${token}`

/** A new session that expires `SESSION_TTL_MS` after `now`. */
export function newSession(now: number): Session {
  const expires = now + SESSION_TTL_MS
  // 122 random bits
  const nonce = crypto.randomUUID().replaceAll('-', '')
  return { value: `v1.${expires}.${nonce}`, nonce, expires }
}

/** The session a (signature-checked) cookie value holds, or null when it is malformed or expired at `now`. */
export function sessionOf(value: string, now: number): Session | null {
  const [version, expiresText, nonce, ...rest] = value.split('.')
  const expires = Number(expiresText)
  if (version !== 'v1' || !nonce || rest.length > 0 || !Number.isSafeInteger(expires) || expires <= now) return null
  return { value, nonce, expires }
}
