/** @module The routes of `/api/flows`, declared with their requests and answers (the handlers: api/flows.ts). */
import { createRoute } from '@hono/zod-openapi'
import * as z from 'zod'
import { FlowId } from '../../domain/flow-ids'
import { Flow, FlowCheck, FlowPage, FlowPut, Revision, RevisionPage } from '../../shapes/responses'
import { errors, json, NoQuery } from './common'
import { IdempotencyHeaders, InputBody, startAnswers } from './triggers'

export const FlowListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional().openapi({ description: 'the nextCursor of the previous page' }),
})

/** `purge=true` deletes the flow and its revisions for good; without it, DELETE only disables. */
export const FlowDeleteQuery = z.strictObject({
  purge: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
})

const FlowParams = z.object({ id: FlowId })
const RevisionParams = FlowParams.extend({ revision: z.coerce.number().int().min(1) })
const definition = { schema: { $ref: '#/components/schemas/FlowDefinition' } }
/** A flow's definition in the body, JSON or YAML: what PUT stores and validate checks. */
const definitionRequest = {
  params: FlowParams,
  query: NoQuery,
  body: { required: true, content: { 'application/json': definition, 'application/yaml': definition } },
}

export const putFlowRoute = createRoute({
  method: 'put',
  path: '/{id}',
  operationId: 'putFlow',
  summary: 'Create or update a flow',
  description:
    'JSON, or YAML with a YAML content type. Changed content stores a new immutable revision; the same content keeps the revision (changed: false).',
  tags: ['flows'],
  request: definitionRequest,
  responses: {
    200: json('the flow: a new revision, or the same one when the content did not change', FlowPut),
    201: json('the new flow', FlowPut),
    ...errors([400, 401, 413, 415], {
      400: 'invalid_flow, invalid_json or invalid_yaml, with the path of every bad field',
    }),
  },
})

export const validateFlowRoute = createRoute({
  method: 'post',
  path: '/{id}/validate',
  operationId: 'validateFlow',
  summary: 'Check a flow definition without storing it',
  description:
    "The checks of PUT /api/flows/{id} (schema, expressions, the secrets it names) on the same body, each issue with the line and column of its field in the text sent (a syntax error: where parsing stopped). 200 whether the flow is valid or not; nothing is stored. The dashboard's editor checks as you type with it.",
  tags: ['flows'],
  request: definitionRequest,
  responses: {
    200: json('valid, or every issue at its line', FlowCheck),
    ...errors([400, 401, 413, 415], { 400: 'a body that is not UTF-8' }),
  },
})

export const listFlowsRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listFlows',
  summary: 'List flows',
  tags: ['flows'],
  request: { query: FlowListQuery },
  responses: { 200: json('a page of flows, by id', FlowPage), ...errors([400, 401]) },
})

export const getFlowRoute = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getFlow',
  summary: 'A flow with its latest definition',
  tags: ['flows'],
  request: { params: FlowParams, query: NoQuery },
  responses: { 200: json('the flow', Flow), ...errors([400, 401, 404]) },
})

export const listRevisionsRoute = createRoute({
  method: 'get',
  path: '/{id}/revisions',
  operationId: 'listRevisions',
  summary: "A flow's revision history",
  tags: ['flows'],
  request: { params: FlowParams, query: NoQuery },
  responses: { 200: json('every revision, oldest first', RevisionPage), ...errors([400, 401, 404]) },
})

export const getRevisionRoute = createRoute({
  method: 'get',
  path: '/{id}/revisions/{revision}',
  operationId: 'getRevision',
  summary: 'One revision of a flow',
  tags: ['flows'],
  request: { params: RevisionParams, query: NoQuery },
  responses: { 200: json('the revision', Revision), ...errors([400, 401, 404]) },
})

export const deleteFlowRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'deleteFlow',
  summary: 'Disable a flow, or delete it for good',
  description:
    'Disables the flow (its history is kept, a PUT enables it again); with purge=true, deletes it and its revisions for good — refused (409 not_final) while one of its executions runs.',
  tags: ['flows'],
  request: { params: FlowParams, query: FlowDeleteQuery },
  responses: { 204: { description: 'disabled, or deleted' }, ...errors([400, 401, 404, 409]) },
})

export const triggerFlowRoute = createRoute({
  method: 'post',
  path: '/{id}/executions',
  operationId: 'triggerFlow',
  summary: 'Start an execution of a flow (manual trigger)',
  description:
    'Answered as a webhook is, but the input has no headers (the headers rule). A sync flow answers its output once decided.',
  tags: ['executions'],
  request: { params: FlowParams, query: NoQuery, headers: IdempotencyHeaders, body: InputBody },
  responses: startAnswers,
})
