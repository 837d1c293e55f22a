/**
 * @module The answers of flow control at the trigger: a body the flow's input schema refused
 * (400), and a trigger over a rate or concurrency limit (429 with Retry-After).
 */
import type { ExecutionError } from '../domain/types'
import { ApiError } from './errors'
import { EXECUTION_HEADER } from './trigger'

/** 400 `invalid_input`: the execution was created and failed; the answer lists every issue with its path. */
export const inputRefused = (error: ExecutionError, executionId: string) =>
  new ApiError({
    status: 400,
    code: 'invalid_input',
    message: error.message,
    issues: error.issues,
    headers: { [EXECUTION_HEADER]: executionId },
  })
