/**
 * @module The secrets of one execution: read from the Worker's env when an attempt needs them,
 * and masked out of everything the execution records. Expressions and actions get real values;
 * what is written — an attempt's input, a result (output, vars, response, log line, error), a
 * foreach's items, a child's input — shows `[secret:NAME]` wherever a value read from a secret
 * appears, whole or inside a longer string, in any of the forms JSON and URLs give it
 * (secret-forms.ts), and a part of one left at the end of a string cut short. The values are
 * known from the env, never from storage: those the flow names literally from the start (so an
 * object that restarted masks them at once), the others once read.
 */
import type { ActionSecrets } from '../actions/define'
import type { SecretSource } from '../flow/expression'
import { lookupSecret, type SecretEnv, SecretUnavailable, type SecretUse } from '../domain/flow-secrets'
import { formsPattern, partAtEnd, valueForms } from './secret-forms'

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
  /** The values, longest first, as the pattern's groups hold them. */
  private values: string[] = []
  /** Matches any of the values in any of their forms, one group a value, longest first. */
  private pattern: RegExp | null = null
  /** The forms of each character of a value, for the parts at the end of a string cut short. */
  private readonly forms = new Map<string, string[][]>()

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

  /**
   * `value` was computed from `source` (a Basic credential, a parsed URL): unless every secret in
   * `source` still shows in it in a form masking finds, it is masked whole, like the first of them.
   */
  conceal(value: string, source: string): void {
    const inSource = this.found(source)
    if (inSource.length > this.found(value).length)
      this.remember(value, this.masks.get(inSource[0] as string) as string)
  }

  /** A copy of `value` (JSON) with every secret value in its strings and keys replaced by its mask. */
  mask<T>(value: T): T {
    return this.pattern === null ? value : (this.walk(value) as T)
  }

  /** The values found in `text`, one per occurrence. */
  private found(text: string): string[] {
    if (this.pattern === null) return []
    return [...text.matchAll(this.pattern)].map((match) => this.valueOf(match))
  }

  /** The value a match of the pattern found. */
  private valueOf(match: RegExpMatchArray | unknown[]): string {
    const group = match.slice(1).findIndex((each) => typeof each === 'string')
    return this.values[group] as string
  }

  /** Masks `value` with `mask` from now on, in every form it takes, and without the white space around it. */
  private remember(value: string, mask: string): void {
    if (value === '' || this.masks.get(value) === mask) return
    // a value set with a stray newline loses it in a header (trimmed) or at either end of a URL
    for (const form of new Set([value, value.trim()])) {
      if (form === '') continue
      this.masks.set(form, mask)
      this.forms.set(form, valueForms(form))
    }
    this.values = [...this.masks.keys()].sort((a, b) => b.length - a.length)
    this.pattern = new RegExp(this.values.map((each) => `(${formsPattern(each)})`).join('|'), 'g')
  }

  private text(text: string): string {
    // one pass: a mask put in is never searched again
    const masked = text.replace(this.pattern as RegExp, (...match: unknown[]) => {
      // replace's arguments end with the offset and the whole string
      return this.masks.get(this.valueOf(match.slice(0, this.values.length + 1))) as string
    })
    return this.tail(masked)
  }

  /** A string cut short before it is recorded may end in the first part of a secret: that part is masked too. */
  private tail(text: string): string {
    const end = text.endsWith('…') ? text.length - 1 : text.length
    if (end === text.length && text.length < CUT_LENGTH) return text
    for (const value of this.values) {
      const start = partAtEnd(text, end, this.forms.get(value) as string[][], MIN_PART)
      if (start >= 0) return `${text.slice(0, start)}${this.masks.get(value) as string}${text.slice(end)}`
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
