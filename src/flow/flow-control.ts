/**
 * @module A flow's flow control at the trigger: `concurrency` (how many of its executions run at
 * once, per key, and what happens to the others) and `rateLimit` (how many triggers per period, per
 * key). A key is a `{{ }}` expression over the input; executions whose key is the same share a limit.
 */
import * as z from 'zod'
import type { ExecutionInput } from '../domain/types'
import { Duration, parseDuration } from '../domain/duration'
import { asText } from '../domain/text'
import { type Compiled, evaluate } from './expression'

const WHOLE_EXPRESSION = /^\{\{[\s\S]*\}\}$/

/** A key: exactly one `{{ }}` expression (a constant would put every execution under one key: leave it out). */
export const Key = z.string().refine((text) => WHOLE_EXPRESSION.test(text.trim()), {
  error: 'a key is one {{ }} expression over the input, e.g. "{{ input.body.customerId }}"',
})

/** Executions running at once, at most, per key. */
export const MAX_CONCURRENCY = 1_000

export const Concurrency = z.strictObject({
  limit: z.int().min(1).max(MAX_CONCURRENCY),
  key: Key.optional(),
  /** `queue` (default): wait as `queued` for a slot, in arrival order; `reject`: answer 429. */
  onLimit: z.enum(['queue', 'reject']).default('queue'),
})
export type Concurrency = z.infer<typeof Concurrency>
/** What a trigger over the limit meets: a place in the queue, or 429. */
export type OnLimit = Concurrency['onLimit']

/** Triggers per period, at most, per key: each allowed one is a row of its rate limiter until the period is over. */
export const MAX_RATE = 10_000
export const MIN_PERIOD_MS = 1_000
export const MAX_PERIOD_MS = 86_400_000

const Period = Duration.refine(
  (value) => {
    const ms = parseDuration(value)
    // an unreadable duration is reported once, by Duration
    return ms === null || (ms >= MIN_PERIOD_MS && ms <= MAX_PERIOD_MS)
  },
  { error: 'period must be between 1 second ("1s") and 1 day ("1d")' },
)

export const RateLimit = z.strictObject({
  limit: z.int().min(1).max(MAX_RATE),
  period: Period,
  key: Key.optional(),
})
export type RateLimit = z.infer<typeof RateLimit>

export interface CompiledConcurrency {
  readonly limit: number
  readonly onLimit: OnLimit
  readonly key: Compiled | null
}

export interface CompiledRateLimit {
  readonly limit: number
  readonly periodMs: number
  readonly key: Compiled | null
}

/**
 * The key of an execution: its key expression's value as text over the input. No key, a value of
 * nothing, or an expression that fails is the empty key: those executions share one limit.
 */
export async function keyOf(
  key: Compiled | null,
  input: ExecutionInput,
  execution: { id: string; flowId: string | null; revision: number },
): Promise<string> {
  if (!key) return ''
  try {
    const context = {
      input,
      outputs: {},
      vars: {},
      execution: { ...execution, startedAt: null },
    }
    return asText(await evaluate(key, context))
  } catch {
    // a failing key must not stop the trigger: the execution falls under the empty key
    return ''
  }
}
