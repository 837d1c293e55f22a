/** @module The routes of `/api/executions`, declared with their requests and answers (the handlers: api/executions.ts, api/adhoc.ts). */
import { createRoute } from '@hono/zod-openapi'
import * as z from 'zod'
import { ExecutionStatus, Trigger } from '../../domain/types'
import { FlowId } from '../../domain/flow-ids'
import { LabelFilter, MAX_LABELS } from '../../domain/labels'
import {
  EventAccepted,
  ExecutionCounts,
  ExecutionPage,
  ExecutionView,
  LogLine,
  LogPage,
  ReplayCreated,
  RunTotals,
  TaskRunPage,
} from '../../shapes/responses'
import { decodeCursor } from '../cursor'
import { acceptedAnswer, errors, ExecutionHeaders, json, NoQuery, Time } from './common'
import { adhocAnswers, InputBody } from './triggers'

const Cursor = z
  .string()
  .transform((value, ctx) => {
    const position = decodeCursor(value)
    if (position === null) {
      ctx.addIssue({ code: 'custom', message: 'invalid cursor' })
      return z.NEVER
    }
    return position
  })
  .openapi({ type: 'string', description: 'the nextCursor of the previous page' })

export const ListQuery = z.strictObject({
  flowId: FlowId.optional(),
  trigger: Trigger.optional(),
  status: ExecutionStatus.optional(),
  parentId: z.string().optional().openapi({ description: 'the children a subflow task started in this execution' }),
  replayOf: z.string().optional().openapi({ description: 'the replays of this execution' }),
  idPrefix: z.string().min(1).max(128).optional().openapi({
    description: 'executions whose id starts with this (as the dashboard shows ids: the first characters)',
  }),
  error: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "text in the error's message, type or task id (case-insensitive for ASCII)" }),
  since: Time.optional(),
  until: Time.optional(),
  label: z
    .union([LabelFilter, z.array(LabelFilter)])
    .transform((labels) => (Array.isArray(labels) ? labels : [labels]))
    .refine((labels) => labels.length <= MAX_LABELS, `filter by ${MAX_LABELS} labels at most`)
    .optional()
    .openapi({
      type: 'array',
      items: { type: 'string' },
      description: 'key:value; repeat it for executions that carry every one (at most 20)',
    }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: Cursor.optional(),
})

/** The most bins one count may span (a day by the minute is 1440). */
export const MAX_COUNT_BINS = 1_500

export const CountsQuery = z
  .strictObject({
    since: Time,
    binMs: z.coerce.number().int().min(1_000).max(86_400_000).openapi({ description: 'the width of a bin' }),
  })
  .refine(({ since, binMs }) => (Date.now() - since) / binMs <= MAX_COUNT_BINS, {
    path: ['since'],
    message: `since spans more than ${MAX_COUNT_BINS} bins: start later or widen binMs`,
  })

export const PageQuery = z.strictObject({
  cursor: z.coerce.number().int().min(0).default(0).openapi({ description: 'the nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(500),
})

export const TotalsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).openapi({ description: 'count the task runs after this run id' }),
})

/** Which lines: of a task, of one task run, of a level and above, holding a text. */
const LogSelection = {
  taskId: z.string().optional(),
  taskRunId: z.coerce.number().int().min(1).optional().openapi({ description: 'the lines of this task run only' }),
  level: LogLine.shape.level.optional().openapi({ description: 'this level and the more severe ones' }),
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'text the message contains (case-insensitive for ASCII)' }),
}

export const LogQuery = z.strictObject({
  ...LogSelection,
  cursor: z.coerce.number().int().min(0).default(0).openapi({ description: 'the nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

export const LogDownloadQuery = z.strictObject(LogSelection)

export const ReplayBody = z
  .strictObject({
    fromTaskId: z.string().optional().openapi({ description: 'the task to restart at (default: where it failed)' }),
    revision: z
      .int()
      .min(1)
      .optional()
      .openapi({ description: "the flow revision to run (default: the flow's latest)" }),
  })
  .openapi('ReplayRequest')

/** An execution id: a malformed one is simply not found (404), never a 400. */
const ExecutionParams = z.object({ id: z.string().openapi({ description: 'an execution id' }) })
const EventParams = ExecutionParams.extend({
  name: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'event names hold letters, digits and _ . : - (128 at most)'),
})

export const adhocRunRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'runAdhoc',
  summary: 'Run an inline flow or a single task (ad-hoc run)',
  description:
    'Validated as a PUT of a flow is, run as an execution of no flow (flowId null, trigger "adhoc"), answered as a manual trigger. A single task runs as a sync flow answering its output.',
  tags: ['executions'],
  request: {
    query: NoQuery,
    body: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/AdhocRun' } } } },
  },
  responses: adhocAnswers,
})

export const listExecutionsRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listExecutions',
  summary: 'List executions, newest first',
  tags: ['executions'],
  request: { query: ListQuery },
  responses: { 200: json('a page of executions from the index', ExecutionPage), ...errors([400, 401]) },
})

export const countExecutionsRoute = createRoute({
  method: 'get',
  path: '/counts',
  operationId: 'countExecutions',
  summary: 'Executions created since a time, counted by time bin and status (the dashboard chart)',
  tags: ['executions'],
  request: { query: CountsQuery },
  responses: { 200: json('the counts, from the index', ExecutionCounts), ...errors([400, 401]) },
})

const notFound = errors([404], { 404: 'no such execution (x-execution-id names it)' })

export const getExecutionRoute = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getExecution',
  summary: 'An execution with its first task runs',
  tags: ['executions'],
  request: { params: ExecutionParams, query: NoQuery },
  responses: { 200: json('the execution', ExecutionView, ExecutionHeaders), ...errors([400, 401]), ...notFound },
})

export const deleteExecutionRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'deleteExecution',
  summary: 'Delete an execution that ended, for good',
  tags: ['executions'],
  request: { params: ExecutionParams, query: NoQuery },
  responses: {
    204: { description: 'deleted', headers: ExecutionHeaders },
    ...errors([400, 401, 409], { 409: 'not_final: the execution has not ended' }),
    ...notFound,
  },
})

export const listTaskRunsRoute = createRoute({
  method: 'get',
  path: '/{id}/task-runs',
  operationId: 'listTaskRuns',
  summary: 'Task runs after a cursor',
  tags: ['executions'],
  request: { params: ExecutionParams, query: PageQuery },
  responses: { 200: json('a page of task runs', TaskRunPage, ExecutionHeaders), ...errors([400, 401]), ...notFound },
})

export const taskRunTotalsRoute = createRoute({
  method: 'get',
  path: '/{id}/task-runs/totals',
  operationId: 'taskRunTotals',
  summary: 'Task runs counted by task and status, with their time span',
  tags: ['executions'],
  request: { params: ExecutionParams, query: TotalsQuery },
  responses: { 200: json('the counts', RunTotals, ExecutionHeaders), ...errors([400, 401]), ...notFound },
})

export const listLogsRoute = createRoute({
  method: 'get',
  path: '/{id}/logs',
  operationId: 'listLogs',
  summary: 'Log lines of an execution',
  tags: ['executions'],
  request: { params: ExecutionParams, query: LogQuery },
  responses: { 200: json('a page of log lines', LogPage, ExecutionHeaders), ...errors([400, 401]), ...notFound },
})

/**
 * Typed as any string: @hono/zod-openapi types every `application/…json…` answer as JSON (never, for
 * a stream), but a plain Response for a media type it does not know.
 */
const NDJSON: string = 'application/x-ndjson'

export const downloadLogsRoute = createRoute({
  method: 'get',
  path: '/{id}/logs.ndjson',
  operationId: 'downloadLogs',
  summary: 'Every log line of an execution, as NDJSON',
  description:
    'The lines `listLogs` pages through (the same filters), all of them in one download: one LogLine as JSON a line, oldest first.',
  tags: ['executions'],
  request: { params: ExecutionParams, query: LogDownloadQuery },
  responses: {
    200: {
      description: 'one LogLine a line',
      headers: ExecutionHeaders,
      content: { [NDJSON]: { schema: { type: 'string' } } },
    },
    ...errors([400, 401]),
    ...notFound,
  },
})

const CONTROLS = {
  kill: 'Kill an execution (its children are told to stop)',
  pause: 'Pause an execution: running attempts finish, no new one starts',
  resume: 'Resume a paused execution',
} as const

/** kill, pause and resume: 202 with the status afterwards, or 409 when the execution's status does not allow it. */
export const controlRoute = (action: keyof typeof CONTROLS) =>
  createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    operationId: `${action}Execution`,
    summary: CONTROLS[action],
    tags: ['executions'],
    request: { params: ExecutionParams, query: NoQuery },
    responses: {
      202: acceptedAnswer('the status afterwards, and where to poll'),
      ...errors([400, 401, 409], { 409: "the execution's status does not allow it" }),
      ...notFound,
    },
  })

export const sendEventRoute = createRoute({
  method: 'post',
  path: '/{id}/events/{name}',
  operationId: 'sendEvent',
  summary: 'Deliver an event to a wait task',
  description: 'A wait task waiting for it takes it now; otherwise it is kept for a wait task to come.',
  tags: ['executions'],
  request: {
    params: EventParams,
    query: NoQuery,
    body: { ...InputBody, description: 'the event payload (JSON, form fields, or text)' },
  },
  responses: {
    202: acceptedAnswer('taken or kept', EventAccepted),
    ...errors([400, 401, 409, 413], { 409: 'the execution has ended' }),
    ...notFound,
  },
})

export const replayRoute = createRoute({
  method: 'post',
  path: '/{id}/replay',
  operationId: 'replayExecution',
  summary: 'Replay an execution that ended',
  description:
    'A new execution of the flow (latest revision, or the one asked for), reusing the task runs before fromTaskId.',
  tags: ['executions'],
  request: {
    params: ExecutionParams,
    query: NoQuery,
    body: {
      required: false,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ReplayRequest' } } },
    },
  },
  responses: {
    201: acceptedAnswer('the new execution, and where to poll it', ReplayCreated),
    ...errors([400, 401, 409, 413, 415], {
      400: 'invalid request, an ad-hoc run (no stored flow), or fromTaskId/revision that cannot be replayed',
      409: 'the execution has not ended, or the flow is disabled',
    }),
    ...notFound,
  },
})
