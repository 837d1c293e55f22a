/** @module Which status changes are allowed, for executions and for task runs (pure). */
import type { ExecutionStatus, TaskRunStatus } from '../domain/types'

const EXECUTION: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  pending: ['queued', 'running', 'paused', 'killing', 'failed'],
  /** Waiting for a concurrency slot: it starts, is killed, or fails (a crash); it cannot pause. */
  queued: ['running', 'killing', 'failed'],
  running: ['delayed', 'waiting', 'paused', 'killing', 'completed', 'warning', 'failed'],
  delayed: ['running', 'waiting', 'paused', 'killing', 'completed', 'warning', 'failed'],
  waiting: ['running', 'delayed', 'paused', 'killing', 'completed', 'warning', 'failed'],
  paused: ['pending', 'running', 'delayed', 'waiting', 'killing', 'completed', 'warning', 'failed'],
  killing: ['killed'],
  completed: [],
  warning: [],
  failed: [],
  killed: [],
}

const TASK_RUN: Record<TaskRunStatus, readonly TaskRunStatus[]> = {
  pending: ['running', 'skipped', 'killed', 'failed'],
  running: ['completed', 'warning', 'failed', 'killed', 'delayed', 'waiting'],
  delayed: ['pending', 'completed', 'killed', 'failed'],
  waiting: ['completed', 'warning', 'failed', 'killed', 'delayed'],
  completed: [],
  warning: [],
  failed: [],
  killed: [],
  skipped: [],
}

export const canTransitionExecution = (from: ExecutionStatus, to: ExecutionStatus): boolean =>
  from === to || EXECUTION[from].includes(to)

export const canTransitionTaskRun = (from: TaskRunStatus, to: TaskRunStatus): boolean =>
  from === to || TASK_RUN[from].includes(to)

export const EXECUTION_STATUSES = Object.keys(EXECUTION) as ExecutionStatus[]
export const TASK_RUN_STATUSES = Object.keys(TASK_RUN) as TaskRunStatus[]

// The status sets below are read off the tables above, so that a new status is sorted by writing its moves.

/** The statuses a table leads nowhere from (`final`), or somewhere (not final). */
const where = <S extends string>(table: Record<S, readonly S[]>, final: boolean): ReadonlySet<S> =>
  new Set((Object.keys(table) as S[]).filter((status) => (table[status].length === 0) === final))

/** An execution that ended: completed, warning, failed, killed. */
export const FINAL_EXECUTION = where(EXECUTION, true)
/** An execution a pause request may pause: one that can move to `paused` and is not there yet. */
export const PAUSABLE_EXECUTION: ReadonlySet<ExecutionStatus> = new Set(
  EXECUTION_STATUSES.filter((status) => status !== 'paused' && EXECUTION[status].includes('paused')),
)
/** A task run that ended: completed, warning, failed, killed, skipped. */
export const FINAL_RUN = where(TASK_RUN, true)
/** A task run that has not ended: the runs an execution keeps in memory. */
export const ACTIVE_RUN = where(TASK_RUN, false)
