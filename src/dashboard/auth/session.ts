/**
 * @module Dashboard sessions: a signed, expiring value (`v1.<expires>.<nonce>.<hmac>`), the HMAC
 * keyed by the API token. The token itself never leaves the server; changing it ends every session.
 */

export const SESSION_COOKIE = 'edgeflow-session'
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

const encoder = new TextEncoder()

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '')

async function sign(token: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return base64url(await crypto.subtle.sign('HMAC', key, encoder.encode(`edgeflow-session:${payload}`)))
}

/** A new session value that expires `SESSION_TTL_MS` after `now`. */
export async function createSession(token: string, now: number): Promise<string> {
  const payload = `v1.${now + SESSION_TTL_MS}.${base64url(crypto.getRandomValues(new Uint8Array(12)))}`
  return `${payload}.${await sign(token, payload)}`
}

/** True when `value` was signed with `token` and has not expired. */
export async function verifySession(token: string, value: string | undefined, now: number): Promise<boolean> {
  const parts = value?.split('.') ?? []
  if (parts.length !== 4 || parts[0] !== 'v1') return false
  const expires = Number(parts[1])
  if (!Number.isSafeInteger(expires) || expires <= now) return false
  const payload = parts.slice(0, 3).join('.')
  const expected = await sign(token, payload)
  // constant time over equal lengths
  const given = parts[3] as string
  if (given.length !== expected.length) return false
  let difference = 0
  for (let index = 0; index < given.length; index++) difference |= given.charCodeAt(index) ^ expected.charCodeAt(index)
  return difference === 0
}
