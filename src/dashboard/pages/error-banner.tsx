/**
 * @module The error of a failed execution, first: under the heading, before the actions, with
 * links to the run that failed (its attempts) and to that task's logs.
 */
import type { ExecutionView, TaskRunView } from '../api-types'
import { attemptAnchor } from '../core/anchors'

/** The run the error names: the last run of its task on the page that failed, if it is there. */
export const failedRunOf = (execution: ExecutionView, runs: readonly TaskRunView[]): TaskRunView | undefined =>
  runs.findLast((run) => run.taskId === execution.error?.taskId && run.status === 'failed') ??
  runs.findLast((run) => run.taskId === execution.error?.taskId)

export function ErrorBanner({ execution, runs }: { execution: ExecutionView; runs: readonly TaskRunView[] }) {
  const error = execution.error
  if (!error) return null
  const run = failedRunOf(execution, runs)
  // the failed run's own lines (grouped by attempt), else its task's
  const logs = run
    ? `?${new URLSearchParams({ logRun: String(run.id) })}#logs`
    : error.taskId
      ? `?${new URLSearchParams({ logTask: error.taskId })}#logs`
      : '#logs'
  return (
    <div class="error-banner" role="alert">
      <p>
        <strong>{error.type}</strong>
        {error.taskId ? (
          <>
            {' '}
            in <span class="mono">{error.taskId}</span>
          </>
        ) : null}
        {error.attempt ? ` (attempt ${error.attempt})` : ''}: <span class="error-message">{error.message}</span>
      </p>
      <p class="error-links">
        {run ? <a href={`#run-${run.id}`}>the run that failed (#{run.id}): its attempts, input and output</a> : null}
        {run && error.attempt ? (
          <>
            {' · '}
            <a href={`#${attemptAnchor(run.id, error.attempt)}`}>attempt {error.attempt}</a>
          </>
        ) : null}
        {run ? ' · ' : null}
        <a href={logs}>{run ? 'its logs' : error.taskId ? `logs of ${error.taskId}` : 'logs'}</a>
        {' · '}
        <a href="#io">the whole error</a>
      </p>
    </div>
  )
}
