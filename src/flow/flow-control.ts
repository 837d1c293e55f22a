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

/** A priority is an integer from -MAX_PRIORITY to MAX_PRIORITY (higher first); other values are bounded to it. */
export const MAX_PRIORITY = 100

/** `priority`: one `{{ }}` expression over the input giving an integer (a constant would put every execution level). */
export const Priority = z.string().refine((text) => WHOLE_EXPRESSION.test(text.trim()), {
  error: `priority is one {{ }} expression over the input giving an integer from -${MAX_PRIORITY} to ${MAX_PRIORITY}, e.g. "{{ input.body.plan = 'gold' ? 10 : 0 }}"`,
})

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
  /** The flow's `priority` (null: every execution is 0). */
  readonly priority: Compiled | null
}

export interface CompiledRateLimit {
  readonly limit: number
  readonly periodMs: number
  readonly key: Compiled | null
}

/** The context an expression of flow control sees: the input, before the execution has anything else. */
const controlContext = (input: ExecutionInput, execution: { id: string; flowId: string | null; revision: number }) => ({
  input,
  outputs: {},
  vars: {},
  execution: { ...execution, startedAt: null },
})

/**
 * The priority of an execution: its `priority` expression's value over the input, rounded and bounded
 * to ±MAX_PRIORITY. No expression, a value that is not a number, or an expression that fails is 0.
 */
export async function priorityOf(
  priority: Compiled | null,
  input: ExecutionInput,
  execution: { id: string; flowId: string | null; revision: number },
): Promise<number> {
  if (!priority) return 0
  let value: unknown
  try {
    value = await evaluate(priority, controlContext(input, execution))
  } catch {
    // a failing priority must not stop the trigger: the execution queues at 0
    return 0
  }
  const number = typeof value === 'number' ? value : Number.NaN
  return Number.isFinite(number) ? Math.max(-MAX_PRIORITY, Math.min(MAX_PRIORITY, Math.round(number))) : 0
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
    return asText(await evaluate(key, controlContext(input, execution)))
  } catch {
    // a failing key must not stop the trigger: the execution falls under the empty key
    return ''
  }
}
