/**
 * @module Flow control at the trigger (pure): who gets a concurrency slot, who waits in the queue,
 * who is turned away, and whether a trigger fits in its rate limit. The coordinator and rate-limiter
 * objects hold the state; these functions decide on it, with time coming in as `now`.
 */
import type { OnLimit } from '../flow/flow-control'

/** The concurrency slot of an execution: its key's coordinator, and the limit its revision sets. */
export interface SlotRef {
  /** The coordinator object's name: one per flow and key. */
  coordinator: string
  limit: number
  onLimit: OnLimit
  /** Its place in the key's queue, should it wait (core/priority.ts; absent: 0, as before priorities existed). */
  priority?: number
}

/** What a coordinator answers an execution asking for a slot. */
export type AcquireAnswer =
  { outcome: 'granted' } | { outcome: 'queued'; ahead: number } | { outcome: 'rejected'; retryAfterMs: number }

/** One key's slots as its coordinator sees them. */
export interface SlotCounts {
  /** Slots held: by executions running, or admitted and being told. */
  held: number
  /** Executions waiting in the queue. */
  queued: number
  limit: number
}

/**
 * What an execution asking for a slot gets. A slot goes at once only when nobody waits before it:
 * arrivals never overtake the queue, which keeps the order per key first in, first out.
 */
export function decideAcquire(counts: SlotCounts, onLimit: OnLimit): 'grant' | 'queue' | 'reject' {
  if (counts.queued === 0 && counts.held < counts.limit) return 'grant'
  return onLimit === 'queue' ? 'queue' : 'reject'
}

/** How many executions at the head of the queue get a slot now. */
export const admissions = (counts: SlotCounts): number =>
  Math.max(0, Math.min(counts.queued, counts.limit - counts.held))

/** The Retry-After of a refusal is at least a second (the header counts whole seconds) and at most an hour. */
export const MIN_RETRY_AFTER_MS = 1_000
export const MAX_RETRY_AFTER_MS = 3_600_000

const clampRetry = (ms: number) => Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, Math.ceil(ms)))

/**
 * When a slot is likely to be free, for a refusal's Retry-After: the average time a slot was held
 * lately, less how long the oldest holder has held its own (a second when nothing is known yet).
 */
export function slotRetryAfterMs(averageHoldMs: number | null, oldestSince: number | null, now: number): number {
  if (averageHoldMs === null || oldestSince === null) return MIN_RETRY_AFTER_MS
  return clampRetry(averageHoldMs - (now - oldestSince))
}

/** The average hold time after one more slot was released (an exponential average: recent holds weigh most). */
export const averageHold = (previous: number | null, heldMs: number): number =>
  previous === null ? heldMs : Math.round(previous * 0.8 + heldMs * 0.2)

/** Whether one more trigger fits in a rate limit, and when to try again if not. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

/**
 * A sliding window: at most `limit` triggers in any `periodMs`. `recent` are the times of the
 * triggers allowed within the last period, oldest first. Refused, the caller may try again when
 * the oldest of them leaves the window.
 */
export function decideRate(recent: readonly number[], now: number, limit: number, periodMs: number): RateDecision {
  const inWindow = recent.filter((at) => at > now - periodMs)
  if (inWindow.length < limit) return { allowed: true }
  const oldest = inWindow[inWindow.length - limit] as number
  return { allowed: false, retryAfterMs: clampRetry(oldest + periodMs - now) }
}

/** Seconds for a Retry-After header. */
export const retryAfterSeconds = (ms: number): string => String(Math.max(1, Math.ceil(ms / 1000)))
