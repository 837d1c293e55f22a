/** @module The API's answers as the dashboard reads them (the shapes api/views.ts and the routers produce). */
import type { ExecutionView, taskRunView } from '../api/views'
import type { flowView } from '../api/flows'
import type { RunTotal } from './core/totals'

export type { ExecutionView }
export type TaskRunView = ReturnType<typeof taskRunView>
export type FlowView = ReturnType<typeof flowView>

/** An item of `GET /api/executions`. */
export interface ExecutionItem {
  id: string
  flowId: string
  revision: number
  status: string
  trigger: string
  mode: string
  createdAt: string
  startedAt: string | null
  endedAt: string | null
  durationMs: number | null
  outputStatus: number | null
  error: { type: string; taskId: string | null; message: string | null } | null
  replayOf: string | null
  parentExecutionId: string | null
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface RevisionView {
  id: string
  revision: number
  hash: string
  createdAt: string
  definition: FlowView['definition']
}

export interface LogLine {
  id: number
  at: string
  level: string
  taskId: string | null
  taskRunId: number | null
  message: string
}

export interface LogPage extends Page<LogLine> {
  dropped: number
}

export interface Totals {
  items: RunTotal[]
}

/** True for an API problem (rather than a page or data). */
export const isProblem = (value: unknown): value is ApiProblem =>
  typeof value === 'object' && value !== null && 'code' in value && 'status' in value && 'message' in value

/** The API's error body. */
export interface ApiProblem {
  status: number
  code: string
  message: string
  issues?: { path: string; message: string }[]
}
