/**
 * @module Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed by a `whsec_` secret, checked in constant time
 * against the `v1,<base64>` entries of `webhook-signature`, within five minutes of the timestamp.
 */
import { timingSafeEqual } from 'hono/utils/buffer'
import { ApiError } from './errors'

/** How far `webhook-timestamp` may be from now, in seconds (the tolerance of the reference libraries). */
export const SIGNATURE_TOLERANCE_S = 300

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

const unauthorized = (message: string) => new ApiError({ status: 401, code: 'unauthorized', message })

/** Throws 401 unless the request carries a valid, fresh signature of exactly these body bytes. */
export async function verifySignature(secret: string, headers: Headers, body: Uint8Array, now: number): Promise<void> {
  const id = headers.get('webhook-id')
  const timestamp = headers.get('webhook-timestamp')
  const signature = headers.get('webhook-signature')
  if (!id || !timestamp || !signature) {
    throw unauthorized(
      'this webhook needs the webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks)',
    )
  }
  const seconds = Number(timestamp)
  if (!Number.isInteger(seconds) || Math.abs(now / 1000 - seconds) > SIGNATURE_TOLERANCE_S) {
    throw unauthorized(`webhook-timestamp must be within ${SIGNATURE_TOLERANCE_S} s of now`)
  }
  const signed = new Uint8Array([...new TextEncoder().encode(`${id}.${timestamp}.`), ...body])
  const digest = new Uint8Array(await crypto.subtle.sign('HMAC', await keyOf(secret), signed))
  const expected = btoa(String.fromCharCode(...digest))
  for (const entry of signature.split(' ')) {
    if (entry.startsWith('v1,') && (await timingSafeEqual(entry.slice(3), expected))) return
  }
  throw unauthorized('the webhook signature does not match')
}
