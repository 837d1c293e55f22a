/**
 * @module `GET /api/openapi.json`: the HTTP API as OpenAPI 3.1, its request schemas generated from the
 * zod schemas the routes validate with (docs/architecture.md, The API).
 */
import { z } from 'zod'
import { FlowDefinition } from '../flow/schema'
import { ListQuery, LogQuery, PageQuery, ReplayBody, TotalsQuery } from './executions'
import { FlowDeleteQuery, FlowListQuery } from './flows'
import { AdhocRequestDocument } from './adhoc'

const schema = (type: z.ZodType) =>
  z.toJSONSchema(type, { io: 'input', unrepresentable: 'any', cycles: 'ref', reused: 'inline' })

/** Query parameters, one per field of a zod object. */
const query = (type: z.ZodObject) =>
  Object.entries(type.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: false,
    schema: schema(field as z.ZodType),
  }))

const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } })

const error = {
  description: 'an error: {"error": {code, message, issues?}}',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
}
const json = (description: string) => ({ description, content: { 'application/json': {} } })

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})

/** How a trigger answers: the sync output, 202, a body its input schema refused, or a limit. */
const triggerAnswers = {
  200: json('a sync output'),
  202: json('{executionId, status, statusUrl}; status "queued" while it waits for a concurrency slot'),
  400: {
    ...error,
    description:
      'invalid request, or code invalid_input: the body does not match the flow input schema (the execution was created and failed; issues have paths)',
  },
  429: {
    ...error,
    description: 'code rate_limited or concurrency_limited (onLimit "reject"); no execution was created',
    headers: { 'retry-after': { description: 'seconds to wait', schema: { type: 'integer' } } },
  },
}

function build() {
  const execution = [path('id')]
  const control = (summary: string) => ({
    post: {
      summary,
      parameters: execution,
      responses: { 202: json('the status after the request'), 404: error, 409: error },
    },
  })
  return {
    openapi: '3.1.0',
    info: { title: 'edgeflow', version: '1', description: 'Durable flow executions on Cloudflare Workers.' },
    components: {
      schemas: {
        Flow: schema(FlowDefinition),
        Error: schema(ErrorBody),
        Replay: schema(ReplayBody),
        AdhocRun: schema(AdhocRequestDocument),
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/flows': {
        get: {
          summary: 'list flows',
          parameters: query(FlowListQuery),
          responses: { 200: json('{items, nextCursor}') },
        },
      },
      '/api/flows/{id}': {
        put: {
          summary: 'create or update a flow (JSON, or YAML with content-type application/yaml)',
          parameters: [path('id')],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Flow' } }, 'application/yaml': {} },
          },
          responses: { 200: json('the flow, new or same revision'), 201: json('the new flow'), 400: error },
        },
        get: {
          summary: 'a flow with its latest definition',
          parameters: [path('id')],
          responses: { 200: json('the flow'), 404: error },
        },
        delete: {
          summary: 'disable a flow (history kept); with purge=true, delete it and its revisions for good',
          parameters: [path('id'), ...query(FlowDeleteQuery)],
          responses: { 204: { description: 'disabled, or deleted' }, 400: error, 404: error, 409: error },
        },
      },
      '/api/flows/{id}/revisions': {
        get: {
          summary: 'revision history',
          parameters: [path('id')],
          responses: { 200: json('{items, nextCursor}'), 404: error },
        },
      },
      '/api/flows/{id}/revisions/{revision}': {
        get: {
          summary: 'one revision',
          parameters: [path('id'), path('revision')],
          responses: { 200: json('the revision'), 404: error },
        },
      },
      '/api/flows/{id}/executions': {
        post: {
          summary: 'manual trigger, answered as a webhook (input.headers is empty: the headers rule)',
          parameters: [path('id')],
          responses: { ...triggerAnswers, 404: error },
        },
      },
      '/hooks/{flowId}': {
        post: {
          summary: 'webhook trigger (any method the flow accepts)',
          security: [],
          parameters: [path('flowId')],
          responses: { ...triggerAnswers, 401: error, 404: error, 405: error, 413: error },
        },
      },
      '/api/executions': {
        post: {
          summary:
            'ad-hoc run: an inline flow, or a single task (a sync run answering its output), as an execution of no flow (trigger "adhoc")',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/AdhocRun' } } },
          },
          responses: triggerAnswers,
        },
        get: {
          summary: 'list executions from the index, newest first',
          parameters: query(ListQuery),
          responses: { 200: json('{items, nextCursor}'), 400: error },
        },
      },
      '/api/executions/{id}': {
        get: {
          summary: 'an execution with its first task runs',
          parameters: execution,
          responses: { 200: json('the execution'), 404: error },
        },
        delete: {
          summary: 'delete an execution that ended, for good (409 not_final while it runs)',
          parameters: execution,
          responses: { 204: { description: 'deleted' }, 404: error, 409: error },
        },
      },
      '/api/executions/{id}/task-runs': {
        get: {
          summary: 'task runs after a cursor',
          parameters: [...execution, ...query(PageQuery)],
          responses: { 200: json('{items, nextCursor}'), 404: error },
        },
      },
      '/api/executions/{id}/task-runs/totals': {
        get: {
          summary: 'task runs after a run id, counted by task and status, with their time span',
          parameters: [...execution, ...query(TotalsQuery)],
          responses: { 200: json('{items: [{taskId, status, count, firstStartedAt, lastEndedAt}]}'), 404: error },
        },
      },
      '/api/executions/{id}/logs': {
        get: {
          summary: 'log lines',
          parameters: [...execution, ...query(LogQuery)],
          responses: { 200: json('{items, nextCursor, dropped}'), 404: error },
        },
      },
      '/api/executions/{id}/kill': control('kill'),
      '/api/executions/{id}/pause': control('pause'),
      '/api/executions/{id}/resume': control('resume'),
      '/api/executions/{id}/replay': {
        post: {
          summary: 'a new execution reusing the task runs before fromTaskId',
          parameters: execution,
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Replay' } } } },
          responses: {
            201: json('{executionId, replayOf, revision, fromTaskId, reused, statusUrl}'),
            400: error,
            404: error,
            409: error,
          },
        },
      },
      '/api/executions/{id}/events/{name}': {
        post: {
          summary: 'deliver an event to a wait task',
          parameters: [...execution, path('name')],
          responses: { 202: json('{executionId, status, event, delivered}'), 404: error, 409: error },
        },
      },
    },
  }
}

let document: ReturnType<typeof build> | undefined

/** Built on first use, once per isolate. */
export const openApiDocument = () => (document ??= build())
