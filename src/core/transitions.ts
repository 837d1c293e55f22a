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
