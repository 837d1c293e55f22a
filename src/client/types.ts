/** @module Temporary stand-ins until the generated schema lands (replaced by components['schemas'] aliases). */
export type ExecutionStatus =
  | 'pending'
  | 'queued'
  | 'running'
  | 'delayed'
  | 'waiting'
  | 'paused'
  | 'killing'
  | 'completed'
  | 'warning'
  | 'failed'
  | 'killed'
export interface Flow {
  id: string
  revision: number
  enabled: boolean
  createdAt: string | null
  updatedAt: string | null
  nextScheduledAt: string | null
  definition: { name?: string; mode?: 'sync' | 'async' }
}
export interface Attempt {
  number: number
  status: string
}
export interface TaskRun {
  id: number
  taskId: string
  type: string
  status: string
  parentTaskRunId: number | null
  attempts: Attempt[]
  error: { type: string; message: string } | null
  startedAt: string | null
  endedAt: string | null
  wakeAt: string | null
  childExecutionId: string | null
  waitingFor: string | null
  reused: boolean
}
export interface Execution {
  id: string
  flowId: string | null
  revision: number | null
  status: ExecutionStatus
  mode: string
  trigger: string
  output: unknown
  error: { type: string; message: string; taskId?: string | null } | null
  createdAt: string | null
  startedAt: string | null
  endedAt: string | null
  durationMs: number | null
  wakeAt: string | null
  replayOf: string | null
  parentExecutionId: string | null
  taskRunCount: number
  taskRuns: TaskRun[]
}
export interface ExecutionSummary {
  id: string
  flowId: string | null
  revision: number
  status: ExecutionStatus
  trigger: string
  mode: string
  createdAt: string | null
  durationMs: number | null
  outputStatus: number | null
  error: { type: string; taskId: string | null; message: string | null } | null
}
export interface LogLine {
  id: number
  at: string
  level: string
  taskId: string | null
  message: string
}
