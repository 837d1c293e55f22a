/** @module The API's answers as the dashboard reads them: the types the typed client generates from the OpenAPI document. */
import type { components } from '../client/schema'
import type { FlowDefinition } from '../flow/schema'

type Schemas = components['schemas']

/**
 * A flow or a revision with its definition as the API answers it: the stored definition, parsed
 * with its defaults when it was PUT. The document types it loosely (one component serves the PUT
 * body and the answers, so every default is optional there): `defined` is the one place the
 * dashboard reads an answer by more than its document says.
 */
export type Defined<T> = Omit<T, 'definition'> & { definition: FlowDefinition }
export const defined = <T extends { definition?: unknown }>(item: T): Defined<T> => item as Defined<T>

export type ExecutionView = Schemas['Execution']
export type FlowView = Defined<Schemas['Flow']>
export type RevisionView = Defined<Schemas['Revision']>
export type TaskRunView = Schemas['TaskRun']
export type ExecutionItem = Schemas['ExecutionSummary']
export type LogPage = Schemas['LogPage']
export type LogLine = Schemas['LogLine']
export type Totals = Schemas['TaskRunTotals']
export type Accepted = Schemas['Accepted']
export type EventAccepted = Schemas['EventAccepted']
export type ReplayCreated = Schemas['ReplayCreated']
export type BulkResult = Schemas['BulkResult']

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

export type StoredTestsView = Schemas['FlowStoredTests']
export type TestReportView = Schemas['FlowTestReport']
