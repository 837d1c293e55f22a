/**
 * @module Checking the Standard Webhooks signature of a webhook trigger's request (see
 * domain/standard-webhooks.ts): in constant time against the `v1,<base64>` entries of
 * `webhook-signature`, within five minutes of the timestamp.
 */
import { timingSafeEqual } from 'hono/utils/buffer'
import { whereToSet } from '../domain/secret-setting'
import { secretKey, webhookSignature } from '../domain/standard-webhooks'
import type { Issue } from '../flow/issues'
import type { TriggerDefinition } from '../flow/schema'
import { ApiError } from './errors'

/** How far `webhook-timestamp` may be from now, in seconds (the tolerance of the reference libraries). */
export const SIGNATURE_TOLERANCE_S = 300

export type SecretRead = { ok: true; secret: string } | { ok: false; problem: string }

/** The secret the variable `name` of `env` holds, or why it cannot check signatures (naming the variable, never its value). */
export function readSecret(env: object, name: string): SecretRead {
  const value = (env as Record<string, unknown>)[name]
  if (value === undefined) return { ok: false, problem: `the secret ${name} is not set: set it ${whereToSet(name)}` }
  if (typeof value !== 'string' || secretKey(value) === null) {
    return {
      ok: false,
      problem: `the secret ${name} is not a Standard Webhooks secret ("whsec_" followed by the base64 of the key): set it ${whereToSet(name)}`,
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
  const expected = await webhookSignature(secret, id, timestamp, body)
  for (const entry of signature.split(' ')) {
    if (entry.startsWith('v1,') && (await timingSafeEqual(entry.slice(3), expected))) return
  }
  throw unauthorized('the webhook signature does not match')
}
