/** @module The response contract (docs/architecture.md, Life of a trigger) (pure). */
import type { ExecutionError, ExecutionStatus, Mode, Output } from '../domain/types'

/** The output an execution ends with, given the one a `return` may have decided. */
export function finalOutput(
  mode: Mode,
  status: ExecutionStatus,
  decided: Output | null,
  error: ExecutionError | null,
): Output {
  if (status === 'failed') return { status: 500, body: { error }, headers: {} }
  if (decided) return decided
  if (status === 'killed') {
    return { status: 500, body: { error: { type: 'killed', message: 'the execution was killed' } }, headers: {} }
  }
  return { status: mode === 'sync' ? 200 : 202, body: {}, headers: {} }
}
