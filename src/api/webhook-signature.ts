/**
 * @module Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed by a `whsec_` secret, checked in constant time
 * against the `v1,<base64>` entries of `webhook-signature`, within five minutes of the timestamp.
 */
import { timingSafeEqual } from 'hono/utils/buffer'
import type { Issue } from '../flow/issues'
import type { TriggerDefinition } from '../flow/schema'
import { ApiError } from './errors'

/** How far `webhook-timestamp` may be from now, in seconds (the tolerance of the reference libraries). */
export const SIGNATURE_TOLERANCE_S = 300

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

export type SecretRead = { ok: true; secret: string } | { ok: false; problem: string }

/** The secret the variable `name` of `env` holds, or why it cannot check signatures (naming the variable, never its value). */
export function readSecret(env: object, name: string): SecretRead {
  const value = (env as Record<string, unknown>)[name]
  if (value === undefined) return { ok: false, problem: `the secret ${name} is not set (wrangler secret put ${name})` }
  if (typeof value !== 'string' || secretKey(value) === null) {
    return {
      ok: false,
      problem: `the secret ${name} is not a Standard Webhooks secret: "${PREFIX}" followed by the base64 of the key`,
    }
  }
  return { ok: true, secret: value }
}

/** Each webhook trigger naming a secret that `env` cannot check signatures with, at its path. */
export function secretIssues(env: object, triggers: readonly TriggerDefinition[] | undefined): Issue[] {
  return (triggers ?? []).flatMap((trigger, index) => {
    if (trigger.type !== 'webhook' || trigger.secret === undefined) return []
    const read = readSecret(env, trigger.secret)
    return read.ok ? [] : [{ path: `triggers.${index}.secret`, message: read.problem }]
  })
}

const keys = new Map<string, Promise<CryptoKey>>()

/** The HMAC key of a secret that `readSecret` accepted. */
function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    const raw = secretKey(secret) ?? new Uint8Array()
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
