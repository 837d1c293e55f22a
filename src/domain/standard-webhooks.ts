/**
 * @module Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed by a `whsec_<base64>` secret. Webhook
 * triggers check them on what they receive; `http` tasks with `sign` put them on what they send.
 */

const keys = new Map<string, Promise<CryptoKey>>()

function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (char) => char.charCodeAt(0))
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
