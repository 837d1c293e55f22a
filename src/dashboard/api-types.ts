/** @module The API's answers as the dashboard reads them: the shapes of api/shapes.ts, which the OpenAPI document shows. */
import type { z } from 'zod'
import type {
  Accepted as AcceptedShape,
  EventAccepted as EventAcceptedShape,
  LogLine as LogLineShape,
  ReplayCreated as ReplayCreatedShape,
  RunTotals,
} from '../shapes/responses'

export type {
  ExecutionView,
  FlowView,
  RevisionView,
  TaskRunView,
  ExecutionSummaryView as ExecutionItem,
  LogPage,
} from '../shapes/responses'

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export type LogLine = z.output<typeof LogLineShape>
export type Totals = z.output<typeof RunTotals>
export type Accepted = z.output<typeof AcceptedShape>
export type EventAccepted = z.output<typeof EventAcceptedShape>
export type ReplayCreated = z.output<typeof ReplayCreatedShape>

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
