/**
 * @module The secrets of one execution: read from the Worker's env when an attempt needs them,
 * and masked out of everything the execution records. Expressions and actions get real values;
 * what is written — an attempt's input, a result (output, vars, response, log line, error), a
 * foreach's items, a child's input — shows `[secret:NAME]` wherever a value read from a secret
 * appears, whole or inside a longer string. The values are known from the env, never from
 * storage: those the flow names literally from the start (so an object that restarted masks them
 * at once), the others once read.
 */
import type { ActionSecrets } from '../actions/define'
import type { SecretSource } from '../flow/expression'
import { lookupSecret, type SecretEnv, SecretUnavailable, type SecretUse } from '../flow/secrets'

/** What records a value: masks the secrets in it. */
export interface Masker {
  mask<T>(value: T): T
}

export class Secrets implements SecretSource, ActionSecrets, Masker {
  /** Value → its mask, for every value this execution may have read. */
  private readonly masks = new Map<string, string>()
  /** Matches any of the values, longest first. */
  private pattern: RegExp | null = null

  constructor(
    private readonly env: SecretEnv,
    /** The secrets the flow names literally. */
    uses: readonly SecretUse[],
  ) {
    for (const { name } of uses) {
      const found = lookupSecret(env, name)
      if (found.ok) this.remember(found.value, name)
    }
  }

  /** The value of the flow's secret `name`, from the env as it is now (a rotated secret's new value). */
  read(name: string): string {
    const found = lookupSecret(this.env, name)
    if (!found.ok) throw new SecretUnavailable(found.message)
    this.remember(found.value, name)
    return found.value
  }

  /** `value` was computed from `source` (a Basic credential, say): masked like the secret in `source`. */
  conceal(value: string, source: string): void {
    const mask = [...this.masks].find(([secret]) => source.includes(secret))?.[1]
    if (mask === undefined || value === '') return
    this.masks.set(value, mask)
    this.rebuild()
  }

  /** A copy of `value` (JSON) with every secret value in its strings and keys replaced by its mask. */
  mask<T>(value: T): T {
    return this.pattern === null ? value : (this.walk(value) as T)
  }

  private remember(value: string, name: string): void {
    if (this.masks.get(value) === `[secret:${name}]`) return
    this.masks.set(value, `[secret:${name}]`)
    this.rebuild()
  }

  private rebuild(): void {
    const values = [...this.masks.keys()].sort((a, b) => b.length - a.length)
    this.pattern = new RegExp(values.map((each) => each.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'g')
  }

  private text(text: string): string {
    // one pass: a mask put in is never searched again
    return text.replace(this.pattern as RegExp, (found) => this.masks.get(found) ?? found)
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value)
    if (Array.isArray(value)) return value.map((item) => this.walk(item))
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.walk(item)]))
  }
}
