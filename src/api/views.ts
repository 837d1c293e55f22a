/** @module The execution as the API shows it (docs/architecture.md, The API): one flat object, times in ISO 8601. */
import type { RunState } from '../core/state'
import { durationMs } from '../domain/types'
import type { ExecutionSummary } from '../store/d1/schema'
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
      durationMs: durationMs(attempt.startedAt, attempt.endedAt),
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
    durationMs: durationMs(row.startedAt, row.endedAt),
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

/**
 * An execution in a list, from its D1 summary: every column of it but `version`, times in ISO
 * 8601, the error's columns as one object.
 */
export function summaryView(row: ExecutionSummary) {
  const { errorType, errorTaskId, errorMessage, version: _version, ...columns } = row
  return {
    ...columns,
    createdAt: iso(row.createdAt),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    error: errorType === null ? null : { type: errorType, taskId: errorTaskId, message: errorMessage },
  }
}
