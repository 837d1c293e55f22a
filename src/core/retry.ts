/** @module Retry arithmetic (pure): whether a failed attempt retries, and when. */
import type { ResolvedRetry } from '../flow/compile'
import type { ErrorType } from '../domain/errors'

/** Milliseconds to wait after failed attempt number `attempt` (1-based), capped by `maxDelayMs`. */
export function backoffDelay(policy: ResolvedRetry, attempt: number): number {
  const base = policy.delayMs
  const raw =
    policy.backoff === 'exponential' ? base * 2 ** (attempt - 1) : policy.backoff === 'linear' ? base * attempt : base
  return policy.maxDelayMs === null ? raw : Math.min(raw, policy.maxDelayMs)
}

/** When the next attempt runs after attempt `attempt` failed with `type`, or null when it does not. */
export function nextAttemptAt(policy: ResolvedRetry, attempt: number, type: ErrorType, now: number): number | null {
  if (attempt >= policy.maxAttempts || !policy.retryOn.includes(type)) return null
  return now + backoffDelay(policy, attempt)
}
