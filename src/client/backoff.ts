/**
 * @module How long `waitFor` sleeps between two polls: what the server asked for with `Retry-After`,
 * else an exponential back-off from 250 ms capped at 2 s, never past the caller's deadline.
 */

export interface Backoff {
  /** The first delay, in ms. */
  initialMs: number
  /** No delay is longer than this, unless the server asked for longer. */
  maxMs: number
  /** Each delay is the previous one times this. */
  factor: number
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 2_000, factor: 2 }

/**
 * The milliseconds a `Retry-After` value asks for (RFC 9110: delay-seconds or an HTTP date, read
 * against `now`); null when there is none or it cannot be read, so that the back-off decides.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  const text = value?.trim()
  if (!text) return null
  // seconds; fractions are not in the RFC but some servers send them
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  // an HTTP date names its day and month in words; Date.parse alone would take '-1' for a year
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

/**
 * The delay before the next poll, after `polls` polls: the server's `Retry-After` when it sent one,
 * else `initialMs × factor^(polls-1)` capped at `maxMs`; at most what is left before the deadline.
 */
export function pollDelay(polls: number, retryAfter: number | null, remainingMs: number, backoff = DEFAULT_BACKOFF) {
  const exponential = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, polls - 1))
  return Math.max(0, Math.min(retryAfter ?? exponential, remainingMs))
}
