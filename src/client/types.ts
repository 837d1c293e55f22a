/** @module The API's shapes under their own names: aliases of the components and parameters of the generated schema.ts. */
import type { components, operations } from './schema.ts'

type Schemas = components['schemas']

export type Accepted = Schemas['Accepted']
export type AdhocRequest = Schemas['AdhocRun']
export type Attempt = Schemas['Attempt']
export type BulkItem = Schemas['BulkItem']
export type BulkRequest = Schemas['BulkRequest']
export type BulkResult = Schemas['BulkResult']
export type EventAccepted = Schemas['EventAccepted']
export type Execution = Schemas['Execution']
export type ExecutionFilter = Schemas['ExecutionFilter']
export type ExecutionPage = Schemas['ExecutionPage']
export type ExecutionStatus = Schemas['ExecutionStatus']
export type ExecutionSummary = Schemas['ExecutionSummary']
export type Flow = Schemas['Flow']
export type FlowDefinition = Schemas['FlowDefinition']
export type FlowPage = Schemas['FlowPage']
export type Gathered = Schemas['Gathered']
export type FlowPut = Schemas['FlowPut']
export type FlowReplayReport = Schemas['FlowReplayReport']
export type FlowReplayRequest = Schemas['FlowReplayRequest']
export type FlowStoredTests = Schemas['FlowStoredTests']
export type FlowTestDocument = Schemas['FlowTestDocument']
export type FlowTestReport = Schemas['FlowTestReport']
export type LogLevel = Schemas['LogLevel']
export type LogLine = Schemas['LogLine']
export type LogPage = Schemas['LogPage']
export type ReplayCreated = Schemas['ReplayCreated']
export type ReplayRequest = Schemas['ReplayRequest']
export type Revision = Schemas['Revision']
export type RevisionPage = Schemas['RevisionPage']
export type Task = Schemas['Task']
export type TaskRun = Schemas['TaskRun']
export type TaskRunPage = Schemas['TaskRunPage']

export type ExecutionListQuery = NonNullable<operations['listExecutions']['parameters']['query']>
export type LogQuery = NonNullable<operations['listLogs']['parameters']['query']>
export type LogDownloadQuery = NonNullable<operations['downloadLogs']['parameters']['query']>
export type TaskRunQuery = NonNullable<operations['listTaskRuns']['parameters']['query']>

/** Every status an execution can be in, in the order of its life. */
export const EXECUTION_STATUSES = [
  'pending',
  'queued',
  'running',
  'delayed',
  'waiting',
  'paused',
  'killing',
  'completed',
  'warning',
  'failed',
  'killed',
] as const satisfies readonly ExecutionStatus[]

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const satisfies readonly LogLevel[]

/** Each fails to compile when the document gains a status or a level the lists above lack (the client imports no server code). */
type Complete<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false
type Assert<T extends true> = T
export type StatusesComplete = Assert<Complete<ExecutionStatus, (typeof EXECUTION_STATUSES)[number]>>
export type LevelsComplete = Assert<Complete<LogLevel, (typeof LOG_LEVELS)[number]>>
