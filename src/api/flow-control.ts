/**
 * @module The answers of flow control at the trigger: a body the flow's input schema refused
 * (400), and a trigger over a rate or concurrency limit (429 with Retry-After).
 */
import { retryAfterSeconds } from '../core/admission'
import type { ExecutionError, ExecutionInput } from '../domain/types'
import type { Env } from '../env'
import type { CompiledFlow } from '../flow/compile'
import { hitRateLimit } from '../objects/coordinators'
import { ApiError } from './errors'
import { EXECUTION_HEADER } from './accepted'

/** 400 `invalid_input`: the execution was created and failed; the answer lists every issue with its path. */
export const inputRefused = (error: ExecutionError, executionId: string) =>
  new ApiError({
    status: 400,
    code: 'invalid_input',
    message: error.message,
    issues: error.issues,
    headers: { [EXECUTION_HEADER]: executionId },
  })

/**
 * 429 `concurrency_limited`: the flow's concurrency limit rejects, and no execution was created —
 * keeping one per refusal would write an object and an index row for every request of the flood the
 * limit holds back. Retry-After says when a slot is likely to be free.
 */
export const concurrencyRejected = (message: string, retryAfterMs = 1_000) =>
  new ApiError({
    status: 429,
    code: 'concurrency_limited',
    message,
    headers: { 'retry-after': retryAfterSeconds(retryAfterMs) },
  })

/** Counts the trigger against the flow's rate limit; over it, 429 `rate_limited` with Retry-After, and nothing starts. */
export async function checkRateLimit(env: Env, flow: CompiledFlow, input: ExecutionInput): Promise<void> {
  const decision = await hitRateLimit(env, flow, input)
  if (decision.allowed) return
  const limit = flow.rateLimit
  throw new ApiError({
    status: 429,
    code: 'rate_limited',
    message: `flow ${flow.flowId} takes ${limit?.limit} trigger${limit?.limit === 1 ? '' : 's'} per ${(limit?.periodMs ?? 0) / 1000} s${limit?.key ? ' for this key' : ''}`,
    headers: { 'retry-after': retryAfterSeconds(decision.retryAfterMs) },
  })
}
