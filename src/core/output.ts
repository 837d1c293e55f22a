/** @module The response contract (docs/architecture.md, Life of a trigger) (pure). */
import type { ExecutionFailure } from '../domain/errors'
import type { ExecutionError, ExecutionStatus, Mode, Output } from '../domain/types'

/** The fields of a failure that no task caused. */
const NO_TASK = { taskId: null, taskRunId: null, attempt: null }
const KILLED = { type: 'killed', message: 'the execution was killed', ...NO_TASK } as const
const UNKNOWN = { type: 'internal', message: 'the execution failed', ...NO_TASK } as const

/** 500 with a failure: `{"error": {code, type, message, taskId, taskRunId, attempt, …}}` (the ExecutionFailure shape). */
const failure = (error: ExecutionFailure): Output => ({ status: 500, body: { error }, headers: {} })

/** The output an execution ends with, given the one a `return` may have decided. */
export function finalOutput(
  mode: Mode,
  status: ExecutionStatus,
  decided: Output | null,
  error: ExecutionError | null,
): Output {
  // an input the flow's schema refused is the caller's error: 400 with every issue, as the trigger answers
  if (status === 'failed' && error?.issues)
    return {
      status: 400,
      body: { error: { code: 'invalid_input', message: error.message, issues: error.issues } },
      headers: {},
    }
  if (status === 'failed') return failure({ code: 'execution_failed', ...(error ?? UNKNOWN) })
  if (decided) return decided
  if (status === 'killed') return failure({ code: 'execution_killed', ...KILLED })
  return { status: mode === 'sync' ? 200 : 202, body: {}, headers: {} }
}
