/**
 * @module Gathering triggers into one execution (docs/flows.md, Debounce and batching): `debounce`
 * collapses a burst of triggers into one execution started once the burst is quiet, `batch` collects
 * triggers into one execution whose input lists them. Both are per key, a `{{ }}` expression over the
 * input, like a concurrency key. Bounds and compiled forms here; the decisions in core/gather.ts.
 */
import * as z from 'zod'
import { Duration, parseDuration } from '../domain/duration'
import type { Compiled } from './expression'
import { Key } from './flow-control'

export const MIN_GATHER_MS = 1_000
/** A gathering window waits a day at most: it holds triggers nothing has started yet. */
export const MAX_GATHER_MS = 86_400_000
/** Triggers one batch holds at most (its input lists them all). */
export const MAX_BATCH_SIZE = 1_000

const Wait = (what: string) =>
  Duration.refine(
    (value) => {
      const ms = parseDuration(value)
      // an unreadable duration is reported once, by Duration
      return ms === null || (ms >= MIN_GATHER_MS && ms <= MAX_GATHER_MS)
    },
    { error: `${what} must be between 1 second ("1s") and 1 day ("1d")` },
  )

export const Debounce = z
  .strictObject({
    /** The quiet time: the execution starts once no trigger of the key came for this long. */
    period: Wait('period'),
    /** The longest a burst is held from its first trigger, however it goes on (default: none, the day bound). */
    maxWait: Wait('maxWait').optional(),
    key: Key.optional(),
    /** Whose input the execution gets: the last trigger's (default), the first's, or all their bodies (`input.body.items`). */
    keep: z.enum(['last', 'first', 'all']).default('last'),
  })
  .refine(
    (debounce) =>
      debounce.maxWait === undefined || (parseDuration(debounce.maxWait) ?? 0) >= (parseDuration(debounce.period) ?? 0),
    { message: 'maxWait cannot be less than period', path: ['maxWait'] },
  )
export type Debounce = z.infer<typeof Debounce>

export const Batch = z.strictObject({
  /** The batch starts as soon as it holds this many triggers. */
  maxSize: z.int().min(1).max(MAX_BATCH_SIZE),
  /** …or this long after its first trigger, however many it holds. */
  timeout: Wait('timeout'),
  key: Key.optional(),
})
export type Batch = z.infer<typeof Batch>

/** How a flow gathers its triggers, durations in milliseconds (what the gatherer object is told). */
export type GatherPolicy =
  | { kind: 'debounce'; periodMs: number; timeoutMs: number; keep: Debounce['keep'] }
  | { kind: 'batch'; maxSize: number; timeoutMs: number }

export interface CompiledGather {
  readonly policy: GatherPolicy
  readonly key: Compiled | null
}

/** The policy of a flow's `debounce` or `batch` (null: it has neither). */
export function gatherPolicy(definition: {
  debounce?: Debounce | undefined
  batch?: Batch | undefined
}): GatherPolicy | null {
  const ms = (value: string | number) => parseDuration(value) ?? MAX_GATHER_MS
  if (definition.debounce) {
    const { period, maxWait, keep } = definition.debounce
    return {
      kind: 'debounce',
      periodMs: ms(period),
      timeoutMs: maxWait === undefined ? MAX_GATHER_MS : ms(maxWait),
      keep,
    }
  }
  if (definition.batch)
    return { kind: 'batch', maxSize: definition.batch.maxSize, timeoutMs: ms(definition.batch.timeout) }
  return null
}
