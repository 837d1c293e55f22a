/**
 * @module The secrets of one execution: read from the Worker's env when an attempt needs them,
 * and masked out of everything the execution records. Expressions and actions get real values;
 * what is written — an attempt's input, a result (output, vars, response, log line, error), a
 * foreach's items, a child's input — shows `[secret:NAME]` wherever a value read from a secret
 * appears, whole or inside a longer string (also JSON-escaped or URL-encoded, and a part of one
 * left at the end of a string cut short). The values are known from the env, never from
 * storage: those the flow names literally from the start (so an object that restarted masks them
 * at once), the others once read.
 */
import type { ActionSecrets } from '../actions/define'
import type { SecretSource } from '../flow/expression'
import { lookupSecret, type SecretEnv, SecretUnavailable, type SecretUse } from '../domain/flow-secrets'

/** A string this long, or ending in `…`, may have been cut short (error messages, capped bodies). */
const CUT_LENGTH = 4096
/** The shortest part of a secret masked at the end of a string cut short. */
const MIN_PART = 4

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
      if (found.ok) this.remember(found.value, `[secret:${name}]`)
    }
  }

  /** The value of the flow's secret `name`, from the env as it is now (a rotated secret's new value). */
  read(name: string): string {
    const found = lookupSecret(this.env, name)
    if (!found.ok) throw new SecretUnavailable(found.message)
    this.remember(found.value, `[secret:${name}]`)
    return found.value
  }

  /** `value` was computed from `source` (a Basic credential, say): masked like the secret in `source`. */
  conceal(value: string, source: string): void {
    const mask = [...this.masks].find(([secret]) => source.includes(secret))?.[1]
    if (mask !== undefined) this.remember(value, mask)
  }

  /** A copy of `value` (JSON) with every secret value in its strings and keys replaced by its mask. */
  mask<T>(value: T): T {
    return this.pattern === null ? value : (this.walk(value) as T)
  }

  /** Masks `value` with `mask` from now on, in the forms it takes inside JSON text and URLs too. */
  private remember(value: string, mask: string): void {
    if (value === '' || this.masks.get(value) === mask) return
    for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])
      this.masks.set(form, mask)
    this.rebuild()
  }

  private rebuild(): void {
    const values = [...this.masks.keys()].sort((a, b) => b.length - a.length)
    this.pattern = new RegExp(values.map((each) => each.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'g')
  }

  private text(text: string): string {
    // one pass: a mask put in is never searched again
    return this.tail(text.replace(this.pattern as RegExp, (found) => this.masks.get(found) ?? found))
  }

  /** A string cut short before it is recorded may end in the first part of a secret: that part is masked too. */
  private tail(text: string): string {
    const end = text.endsWith('…') ? text.length - 1 : text.length
    if (end === text.length && text.length < CUT_LENGTH) return text
    for (const [value, mask] of this.masks) {
      for (let size = Math.min(value.length - 1, end); size >= MIN_PART; size--) {
        if (text.startsWith(value.slice(0, size), end - size))
          return `${text.slice(0, end - size)}${mask}${text.slice(end)}`
      }
    }
    return text
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value)
    if (Array.isArray(value)) return value.map((item) => this.walk(item))
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.walk(item)]))
  }
}
