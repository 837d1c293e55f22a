/** @module The execution as the API shows it (DESIGN §5): one flat object, times in ISO 8601. */
import type { RunState } from '../core/state'
import type { ExecutionRow } from '../store/execution/schema'

/** Task runs returned with the execution; more come from `/task-runs?cursor=`. */
export const TASK_RUNS_PAGE = 500

/** An epoch-ms time as ISO 8601 (null stays null). */
export const iso = (at: number | null | undefined): string | null =>
  at === null || at === undefined ? null : new Date(at).toISOString()

export function taskRunView(run: RunState) {
  return {
    id: run.id,
    taskId: run.taskId,
    type: run.type,
    status: run.status,
    parentTaskRunId: run.parentId,
    iteration: run.iteration,
    branch: run.parentId === null ? null : run.lane,
    attempts: run.attempts.map((attempt) => ({
      number: attempt.number,
      status: attempt.status,
      startedAt: iso(attempt.startedAt),
      endedAt: iso(attempt.endedAt),
      durationMs: attempt.endedAt === null ? null : attempt.endedAt - attempt.startedAt,
      input: attempt.input ?? null,
      error: attempt.error ?? null,
    })),
    output: run.output,
    error: run.error,
    metrics: run.metrics,
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    wakeAt: iso(run.wakeAt),
    childExecutionId: run.childExecutionId,
    waitingFor: run.status === 'waiting' ? (run.wait?.event ?? null) : null,
    reused: run.reused,
  }
}

/** The cursor of the next page of task runs: the last id shown. */
export const nextRunCursor = (runs: RunState[], limit: number): string | null =>
  runs.length === limit ? String(runs.at(-1)?.id) : null

export function executionView(
  row: ExecutionRow,
  runs: RunState[],
  cursor: string | null,
  metrics: Record<string, number>,
  runCount: number,
) {
  return {
    id: row.id,
    flowId: row.flowId,
    // an ad-hoc run has no flow, hence no revision
    revision: row.flowId === null ? null : row.revision,
    status: row.status,
    mode: row.mode,
    trigger: row.trigger,
    input: row.input,
    output: row.output,
    error: row.error,
    vars: row.vars,
    createdAt: iso(row.createdAt),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    durationMs: row.startedAt !== null && row.endedAt !== null ? row.endedAt - row.startedAt : null,
    wakeAt: iso(row.wakeAt),
    replayOf: row.replayOf,
    parentExecutionId: row.parentExecutionId,
    metrics,
    droppedLogs: row.droppedLogs,
    taskRunCount: runCount,
    taskRuns: runs.map(taskRunView),
    taskRunsCursor: cursor,
  }
}
export type ExecutionView = ReturnType<typeof executionView>

/** The summary D1 indexes (DESIGN §1): small, versioned. */
export function summaryOf(row: ExecutionRow) {
  return {
    id: row.id,
    flowId: row.flowId,
    revision: row.revision,
    status: row.status,
    trigger: row.trigger,
    mode: row.mode,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    durationMs: row.startedAt !== null && row.endedAt !== null ? row.endedAt - row.startedAt : null,
    outputStatus: row.output?.status ?? null,
    errorType: row.error?.type ?? null,
    errorTaskId: row.error?.taskId ?? null,
    errorMessage: row.error?.message ?? null,
    replayOf: row.replayOf,
    parentExecutionId: row.parentExecutionId,
    version: row.version,
  }
}
