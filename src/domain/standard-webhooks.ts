/**
 * @module Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed by a `whsec_<base64>` secret. Webhook
 * triggers check them on what they receive; `http` tasks with `sign` put them on what they send.
 */

const PREFIX = 'whsec_'
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** The key of a Standard Webhooks secret (`whsec_` and the base64 of the key), or null for any other value. */
export function secretKey(value: unknown): Uint8Array | null {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return null
  const encoded = value.slice(PREFIX.length)
  if (!BASE64.test(encoded)) return null
  try {
    return Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0))
  } catch {
    // atob refuses a base64 text of impossible length: not a secret
    return null
  }
}

const keys = new Map<string, Promise<CryptoKey>>()

/** The HMAC key of a secret that `secretKey` accepts. */
function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    const raw = secretKey(secret) ?? new Uint8Array()
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    keys.set(secret, key)
  }
  return key
}

/** The base64 signature of a message (`webhook-signature` holds it as `v1,<signature>`). */
export async function webhookSignature(
  secret: string,
  id: string,
  timestamp: string,
  body: Uint8Array,
): Promise<string> {
  const signed = new Uint8Array([...new TextEncoder().encode(`${id}.${timestamp}.`), ...body])
  const digest = new Uint8Array(await crypto.subtle.sign('HMAC', await keyOf(secret), signed))
  return btoa(String.fromCharCode(...digest))
}
