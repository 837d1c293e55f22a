/**
 * @module Secrets a flow may use: `$secret('NAME')` in expressions and the `http` task's
 * `sign.secret` read the Worker secret or variable `FLOW_SECRET_NAME`, and nothing else. The
 * prefix is how an operator exposes a secret to flows: `API_TOKEN`, a webhook trigger's signing
 * secret or any other binding cannot be reached, whatever name a flow writes.
 */
import { whereToSet } from './secret-setting'
import { secretKey } from './standard-webhooks'

/** The prefix of the Worker secrets and variables that flows can read. */
export const SECRET_PREFIX = 'FLOW_SECRET_' as const

/** What a flow writes: upper-case letters, digits and `_`, as Worker secret names usually are. */
const NAME = /^[A-Z_][A-Z0-9_]{0,63}$/

/** The Worker binding behind a flow's secret name. */
export const secretBinding = (name: string) => `${SECRET_PREFIX}${name}` as const

/** The part of the Worker's env that flows can read. */
export type SecretEnv = { readonly [binding: `${typeof SECRET_PREFIX}${string}`]: unknown }

/** Why `name` cannot be a flow's secret name, or null when it can. */
export function secretNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || !NAME.test(name)) {
    return `secret names are upper-case letters, digits and "_" (at most 64), not ${JSON.stringify(name)}`
  }
  if (name.startsWith(SECRET_PREFIX)) {
    return `write the secret's name without its prefix: $secret('${name.slice(SECRET_PREFIX.length)}') reads ${name}`
  }
  return null
}

/** A secret that cannot be read: its task fails with this `validation_error`. */
export class SecretUnavailable extends Error {
  readonly type = 'validation_error'
}

/** Why the value of secret `use` cannot serve as it is used, or null. */
export function secretUseProblem(use: SecretUse, value: string): string | null {
  if (!use.signing || secretKey(value) !== null) return null
  return `secret ${use.name}: ${secretBinding(use.name)} is not a Standard Webhooks key ("whsec_" followed by the base64 of the key)`
}

/** The value of the flow's secret `name` in `env`, or the reason there is none. */
export function lookupSecret(
  env: SecretEnv,
  name: unknown,
): { ok: true; value: string } | { ok: false; message: string } {
  const problem = secretNameProblem(name)
  if (problem) return { ok: false, message: problem }
  const binding = secretBinding(name as string)
  const value = env[binding]
  if (typeof value === 'string' && value !== '') return { ok: true, value }
  const why = value === undefined || value === '' ? 'is not set' : 'is not a string'
  return {
    ok: false,
    message: `secret ${name as string}: the Worker secret ${binding} ${why}: set it ${whereToSet(binding)}`,
  }
}

/** A secret a flow names where it can be known before it runs: in a literal `$secret('NAME')`, or a field. */
export interface SecretUse {
  name: string
  path: (string | number)[]
  /** It signs webhooks: its value must be a Standard Webhooks key. */
  signing?: boolean
}
