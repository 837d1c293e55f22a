/** @module The execution as the API shows it (docs/architecture.md, The API): one flat object, times in ISO 8601. */
import { compensatedRunOf, phaseOf } from '../core/handlers'
import type { RunState } from '../core/state'
import { durationMs, type Metric } from '../domain/types'
import type { ExecutionSummary } from '../store/d1/schema'
import type { ExecutionRow } from '../store/execution/schema'
import type { ExecutionSummaryView, ExecutionView, TaskRunView } from './responses'

/** Task runs returned with the execution; more come from `/task-runs?cursor=`. */
export const TASK_RUNS_PAGE = 500

/** An epoch-ms time as ISO 8601 (null stays null). */
export const iso = (at: number | null | undefined): string | null =>
  at === null || at === undefined ? null : new Date(at).toISOString()

export function taskRunView(run: RunState): TaskRunView {
  return {
    id: run.id,
    taskId: run.taskId,
    type: run.type,
    status: run.status,
    parentTaskRunId: run.parentId,
    iteration: run.iteration,
    branch: run.parentId === null || phaseOf(run.lane) ? null : run.lane,
    handler: phaseOf(run.lane),
    compensates: compensatedRunOf(run.lane),
    attempts: run.attempts.map((attempt) => ({
      number: attempt.number,
      status: attempt.status,
      startedAt: iso(attempt.startedAt),
      endedAt: iso(attempt.endedAt),
      durationMs: durationMs(attempt.startedAt, attempt.endedAt),
      input: attempt.input ?? null,
      // only the completed attempt, the run's last, has an output: the run's (stored once)
      output: attempt.status === 'completed' ? run.output : null,
      error: attempt.error ?? null,
      metrics: attempt.metrics ?? [],
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

/**
 * The execution's metrics: its task runs' metrics summed by name. A sum of counters counts for the
 * whole execution under the same name; a sum of durations is no time of the execution (runs
 * overlap, its own is `durationMs`), so it is named for what it is: `taskRuns.<name>`.
 */
export const executionMetrics = (sums: readonly Metric[]): Metric[] =>
  sums
    .map((sum) => (sum.type === 'duration' ? { ...sum, name: `taskRuns.${sum.name}` } : sum))
    .toSorted((a, b) => a.name.localeCompare(b.name))

export function executionView(
  row: ExecutionRow,
  runs: RunState[],
  cursor: string | null,
  metricSums: Metric[],
  runCount: number,
): ExecutionView {
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
    reactsTo: row.reactsTo,
    labels: row.labels,
    metrics: executionMetrics(metricSums),
    droppedLogs: row.droppedLogs,
    taskRunCount: runCount,
    taskRuns: runs.map(taskRunView),
    taskRunsCursor: cursor,
  }
}

/**
 * An execution in a list, from its D1 summary: every column of it but `version` and
 * `reactionDepth`, times in ISO 8601, the error's columns as one object.
 */
export function summaryView(row: ExecutionSummary): ExecutionSummaryView {
  const { errorType, errorTaskId, errorMessage, version: _version, reactionDepth: _depth, ...columns } = row
  return {
    ...columns,
    // an ad-hoc run has no flow, hence no revision (the index stores 0): null, as in its detail
    revision: row.flowId === null ? null : row.revision,
    labels: row.labels ?? {},
    createdAt: iso(row.createdAt),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    error: errorType === null ? null : { type: errorType, taskId: errorTaskId, message: errorMessage },
  }
}
