/**
 * @module What a flow test's execution did, as the execution object reports it once the case ran:
 * what the expectations are checked against (check.ts).
 */
import type { ExecutionError, ExecutionStatus, Output, TaskError, TaskRunStatus } from '../domain/types'
import type { LogLevel } from '../domain/log'

/** An http request an attempt made, answered by a mock or refused (no mock matched). */
export interface ObservedRequest {
  taskId: string
  method: string
  url: string
  mocked: boolean
}

/** A task run, in the order runs were created. */
export interface ObservedRun {
  id: number
  taskId: string
  status: TaskRunStatus
  output: unknown
  error: TaskError | null
  attempts: number
  /** The resolved input its last attempt recorded. */
  input: unknown
}

export interface Observation {
  status: ExecutionStatus
  output: Output | null
  error: ExecutionError | null
  vars: Record<string, unknown>
  labels: Record<string, string>
  runs: ObservedRun[]
  logs: { level: LogLevel; taskId: string | null; message: string }[]
  requests: ObservedRequest[]
  /** What reached no mock and was refused: `subflow <flow>` or `<METHOD> <url>`, by task. */
  unmocked: { taskId: string; call: string }[]
  /** Events of the case no `wait` task took. */
  undelivered: string[]
  /** Virtual time the execution took: its delays and back-offs, run in no time. */
  virtualMs: number
}
