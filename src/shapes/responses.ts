/**
 * @module Every public response shape of the API as a zod schema (docs/architecture.md, The API):
 * the views are typed from them and the OpenAPI document is generated from them, so neither can
 * drift from the other. Each `.openapi('Name')` is one component of the document.
 */
// extends zod's ZodType with `.openapi` before the schemas below are built
import '@hono/zod-openapi'
import * as z from 'zod'
import {
  AttemptStatus,
  ExecutionError,
  ExecutionFailure,
  ExecutionInput,
  ExecutionStatus,
  Metric,
  Mode,
  Output,
  TaskError,
  TaskRunStatus,
  Trigger,
} from '../domain/types'
import { LogLevel } from '../domain/log'
import type { FlowDefinition, Task } from '../flow/schema'
import { ErrorCode } from './error-code'

/**
 * Stand-ins for the flow definition and a task: their recursive JSON Schemas are generated from the
 * zod schemas of flow/schema.ts by `z.toJSONSchema` and replace these in the document (api/openapi.ts).
 */
export const FlowDefinitionComponent = z.custom<FlowDefinition>().openapi('FlowDefinition', { type: 'object' })
export const TaskComponent = z.custom<Task>().openapi('Task', { type: 'object' })
/** The definition as stored and answered: its defaults filled in (api/openapi.ts). */
export const StoredFlowDefinitionComponent = z
  .custom<FlowDefinition>()
  .openapi('StoredFlowDefinition', { type: 'object' })

/**
 * Names a schema built in another module as a component. zod 4 copies prototype methods onto a
 * schema when it is built, so one built before `@hono/zod-openapi` extended zod has no `.openapi` of
 * its own — which depends on the entry's import order (the bench's entry imports the objects first).
 */
const named = <T extends z.ZodType>(schema: T, name: string): T => z.ZodType.prototype.openapi.call(schema, name) as T

const Status = named(ExecutionStatus, 'ExecutionStatus')
const RunStatus = named(TaskRunStatus, 'TaskRunStatus')
const ErrorOfTask = named(TaskError, 'TaskError')
const TriggerKind = named(Trigger, 'Trigger')
const ExecutionMode = named(Mode, 'Mode')

const Time = z.iso.datetime().openapi({ description: 'ISO 8601, UTC' })
const TimeOrNull = Time.nullable()

export const Issue = z.object({ path: z.string(), message: z.string() }).openapi('Issue')

export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      issues: z.array(Issue).optional().openapi({ description: 'every bad field, with its path' }),
    }),
  })
  .openapi('Error')

/** A sync execution that failed or was killed: an error with a code, and the details of the task that failed. */
export const ExecutionFailureBody = z
  .object({ error: named(ExecutionFailure, 'ExecutionFailureError') })
  .openapi('ExecutionFailure')

/** What a `return` task decided: any JSON, or text in the content type it set. */
export const FlowAnswer = z.unknown().openapi('FlowAnswer', {
  description: 'the body a return task decided: any JSON, or text in the content type the task set',
})

/** Where to poll an execution that has not answered yet: one body for every 202 (and a replay's 201). */
export const Accepted = z
  .object({
    executionId: z.string(),
    status: Status,
    statusUrl: z.url().openapi({ description: 'GET it for the execution (also in the location header)' }),
  })
  .openapi('Accepted')

/**
 * A trigger a flow's `debounce` or `batch` gathered (docs/flows.md, Debounce and batching): the
 * execution it joined, which exists once it starts — its statusUrl answers 404 until then.
 */
export const Gathered = z
  .object({
    executionId: z.string().openapi({ description: 'the execution this trigger joined, started at startsAt' }),
    gathered: z.enum(['debounce', 'batch']),
    size: z.int().openapi({ description: 'triggers the execution has gathered so far, this one included' }),
    startsAt: z.iso
      .datetime()
      .openapi({ description: 'when it starts at the latest as known now (a later trigger may push a debounce back)' }),
    statusUrl: z.url().openapi({ description: 'GET it for the execution once it started (404 before)' }),
  })
  .openapi('Gathered')

export const EventAccepted = Accepted.extend({
  event: z.string(),
  delivered: z.boolean().openapi({ description: 'a wait task took it now (false: kept for a wait task to come)' }),
}).openapi('EventAccepted')

export const ReplayCreated = Accepted.extend({
  replayOf: z.string(),
  revision: z.int(),
  fromTaskId: z.string(),
  reused: z.int().openapi({ description: 'task runs reused from the replayed execution' }),
}).openapi('ReplayCreated')

export const Flow = z
  .object({
    id: z.string(),
    revision: z.int(),
    enabled: z.boolean(),
    createdAt: TimeOrNull,
    updatedAt: TimeOrNull,
    nextScheduledAt: TimeOrNull,
    definition: StoredFlowDefinitionComponent,
  })
  .openapi('Flow')

export const FlowPut = Flow.extend({
  changed: z.boolean().openapi({ description: 'false when the content equals the latest revision' }),
}).openapi('FlowPut')

export const PlacedIssue = Issue.extend({
  line: z
    .int()
    .nullable()
    .openapi({ description: "the field's line in the text sent, from 1; null when it is not there" }),
  column: z.int().nullable().openapi({ description: "the field's column, from 1" }),
}).openapi('PlacedIssue')

export const FlowCheck = z
  .object({
    valid: z.boolean(),
    issues: z.array(PlacedIssue).openapi({ description: 'every issue PUT would refuse the flow for' }),
  })
  .openapi('FlowCheck')

export const Revision = z
  .object({
    id: z.string(),
    revision: z.int(),
    hash: z.string(),
    createdAt: TimeOrNull,
    definition: StoredFlowDefinitionComponent,
  })
  .openapi('Revision')

const Cursor = z.string().nullable().openapi({ description: 'pass it as `cursor` for the next page; null at the end' })
const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: Cursor })

export const FlowPage = page(Flow).openapi('FlowPage')
export const RevisionPage = page(Revision).openapi('RevisionPage')

export const MetricView = named(Metric, 'Metric')

export const AttemptView = z
  .object({
    number: z.int(),
    status: named(AttemptStatus, 'AttemptStatus'),
    startedAt: TimeOrNull,
    endedAt: TimeOrNull,
    durationMs: z.number().nullable(),
    input: z.unknown().openapi({ description: "the task's parameters after templating" }),
    output: z.unknown().openapi({ description: "the completed attempt's output (the run's); null otherwise" }),
    error: ErrorOfTask.nullable(),
    metrics: z.array(MetricView).openapi({ description: 'what the action counted during this attempt' }),
  })
  .openapi('Attempt')

export const TaskRunView = z
  .object({
    id: z.int(),
    taskId: z.string(),
    type: z.string(),
    status: RunStatus,
    parentTaskRunId: z.int().nullable(),
    iteration: z.int().nullable(),
    branch: z.string().nullable(),
    handler: z.enum(['errors', 'compensate', 'finally']).nullable().openapi({
      description:
        "the handler lane the run starts: its scope's errors or finally, or a compensation (README, When things fail)",
    }),
    compensates: z.int().nullable().openapi({ description: 'for a compensation: the task run it undoes' }),
    attempts: z.array(AttemptView),
    output: z.unknown(),
    error: ErrorOfTask.nullable(),
    metrics: z.array(MetricView).openapi({ description: 'its duration, and what its attempts counted' }),
    startedAt: TimeOrNull,
    endedAt: TimeOrNull,
    wakeAt: TimeOrNull,
    childExecutionId: z.string().nullable(),
    waitingFor: z.string().nullable().openapi({ description: 'the event a waiting wait task expects' }),
    reused: z.boolean().openapi({ description: 'copied from the replayed execution' }),
  })
  .openapi('TaskRun')

export const TaskRunPage = page(TaskRunView).openapi('TaskRunPage')

const Labels = z
  .record(z.string(), z.string())
  .openapi('Labels', { description: 'key → value; set by the flow and its label tasks (README, Labels)' })
const ReactsTo = z
  .string()
  .nullable()
  .openapi({ description: 'the ended execution an execution trigger started this one for' })

export const ExecutionView = z
  .object({
    id: z.string(),
    flowId: z.string().nullable().openapi({ description: 'null for an ad-hoc run' }),
    revision: z.int().nullable(),
    status: Status,
    mode: ExecutionMode,
    trigger: TriggerKind,
    input: named(ExecutionInput, 'ExecutionInput'),
    output: named(Output, 'Output').nullable(),
    error: named(ExecutionError, 'ExecutionError').nullable(),
    vars: z.record(z.string(), z.unknown()),
    createdAt: TimeOrNull,
    startedAt: TimeOrNull,
    endedAt: TimeOrNull,
    durationMs: z.number().nullable(),
    wakeAt: TimeOrNull,
    replayOf: z.string().nullable(),
    parentExecutionId: z.string().nullable(),
    reactsTo: ReactsTo,
    labels: Labels,
    metrics: z.array(MetricView).openapi({
      description:
        "its task runs' metrics summed by name; a sum of durations is named taskRuns.<name> (taskRuns.duration: not the execution's own durationMs)",
    }),
    droppedLogs: z.int(),
    taskRunCount: z.int(),
    taskRuns: z.array(TaskRunView).openapi({ description: 'the first page of task runs' }),
    taskRunsCursor: Cursor,
  })
  .openapi('Execution')

export const ExecutionSummaryView = z
  .object({
    id: z.string(),
    flowId: z.string().nullable(),
    revision: z.int().nullable().openapi({ description: 'null for an ad-hoc run (no flow)' }),
    status: Status,
    trigger: TriggerKind,
    mode: ExecutionMode,
    createdAt: TimeOrNull,
    startedAt: TimeOrNull,
    endedAt: TimeOrNull,
    durationMs: z.number().nullable(),
    outputStatus: z.int().nullable(),
    error: z.object({ type: z.string(), taskId: z.string().nullable(), message: z.string().nullable() }).nullable(),
    replayOf: z.string().nullable(),
    parentExecutionId: z.string().nullable(),
    reactsTo: ReactsTo,
    labels: Labels,
  })
  .openapi('ExecutionSummary')

export const ExecutionPage = page(ExecutionSummaryView).openapi('ExecutionPage')

export const ExecutionCount = z
  .object({
    start: Time.openapi({ description: 'the start of the bin' }),
    status: Status,
    count: z.int(),
  })
  .openapi('ExecutionCount')

export const ExecutionCounts = z
  .object({
    binMs: z.int(),
    items: z.array(ExecutionCount).openapi({ description: 'the bins and statuses with executions, oldest first' }),
  })
  .openapi('ExecutionCounts')

const MetricsCounts = z
  .object({
    completed: z.int(),
    warning: z.int(),
    failed: z.int(),
    killed: z.int(),
    running: z.int().openapi({ description: 'created in the bucket and not ended yet' }),
  })
  .openapi('MetricsCounts')

const Percentiles = z.object({ p50: z.int(), p95: z.int(), p99: z.int() }).openapi('DurationPercentiles', {
  description: 'nearest-rank percentiles of the durations of the ended executions (ms)',
})

export const MetricsBucket = z
  .object({
    start: Time.openapi({ description: 'the start of the bucket (a multiple of its width since the epoch)' }),
    counts: MetricsCounts,
    total: z.int(),
    durationMs: Percentiles.nullable().openapi({ description: 'null when none of its executions has ended' }),
  })
  .openapi('MetricsBucket')

export const ExecutionMetrics = z
  .object({
    flowId: z.string().nullable().openapi({ description: 'null: every execution' }),
    from: Time,
    to: Time,
    bucketMs: z.int(),
    buckets: z.array(MetricsBucket).openapi({
      description: 'every bucket of the window, oldest first, by the creation time of the executions counted',
    }),
  })
  .openapi('ExecutionMetrics')
export type ExecutionMetrics = z.output<typeof ExecutionMetrics>

export const RunTotal = z
  .object({
    taskId: z.string(),
    status: RunStatus,
    count: z.int(),
    firstStartedAt: TimeOrNull,
    lastEndedAt: TimeOrNull,
  })
  .openapi('TaskRunTotal')

export const RunTotals = z.object({ items: z.array(RunTotal) }).openapi('TaskRunTotals')

export const LogLine = z
  .object({
    id: z.int(),
    at: Time,
    level: named(LogLevel, 'LogLevel'),
    taskId: z.string().nullable(),
    taskRunId: z.int().nullable(),
    attempt: z.int().nullable().openapi({ description: 'the attempt of the task run the line was written in' }),
    traceId: z.string().nullable().openapi({ description: 'the trace of the execution, while tracing is on' }),
    spanId: z.string().nullable().openapi({
      description: "the span of the line's attempt (else its task run, else the execution) in that trace",
    }),
    message: z.string(),
  })
  .openapi('LogLine')

export const LogPage = page(LogLine)
  .extend({ dropped: z.int().openapi({ description: 'lines dropped past the log budget' }) })
  .openapi('LogPage')

export type FlowView = z.output<typeof Flow>
export type RevisionView = z.output<typeof Revision>
export type FlowCheckView = z.output<typeof FlowCheck>
export type TaskRunView = z.output<typeof TaskRunView>
export type ExecutionView = z.output<typeof ExecutionView>
export type ExecutionSummaryView = z.output<typeof ExecutionSummaryView>
export type RunTotal = z.output<typeof RunTotal>
export type LogPage = z.output<typeof LogPage>

const RunInput = z.unknown().openapi({ description: 'the run input.body (default {})' })

/** The body of an ad-hoc run as the document shows it (api/adhoc.ts validates it in two steps). */
export const AdhocRun = z
  .union([
    z.strictObject({ flow: FlowDefinitionComponent, input: RunInput.optional() }),
    z.strictObject({ task: TaskComponent, input: RunInput.optional() }),
  ])
  .openapi('AdhocRun')

/** What a bulk route did to one execution: done (with the status afterwards), or refused as the one-execution route would. */
export const BulkItem = z
  .union([
    z.object({
      id: z.string(),
      ok: z.literal(true),
      status: Status.optional().openapi({
        description: 'kill: the status afterwards; replay: the new execution’s; delete: absent',
      }),
      executionId: z.string().optional().openapi({ description: 'replay: the new execution' }),
      revision: z.int().optional().openapi({ description: 'replay: the revision it runs' }),
      fromTaskId: z.string().optional().openapi({ description: 'replay: the task it restarts at' }),
    }),
    z.object({
      id: z.string(),
      ok: z.literal(false),
      error: z.object({ code: ErrorCode, message: z.string() }),
    }),
  ])
  .openapi('BulkItem')

export const BulkResult = z
  .object({
    action: z.enum(['kill', 'replay', 'delete']),
    matched: z.int().openapi({ description: 'the executions the ids or the filter named (each id once)' }),
    results: z.array(BulkItem).openapi({ description: 'one per execution, in the order of the ids or the list' }),
  })
  .openapi('BulkResult')
