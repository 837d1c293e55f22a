/** @module The routes of flow tests (docs/testing-flows.md), declared with their requests and answers (handlers: api/flow-tests.ts). */
import { createRoute } from '@hono/zod-openapi'
import * as z from 'zod'
import { FlowId } from '../../domain/flow-ids'
import { ReplayReport, TestReport } from '../../shapes/test-report'
import { errors, json, NoQuery } from './common'

const document = { schema: { $ref: '#/components/schemas/FlowTestDocument' } }
const body = (description: string) => ({
  description,
  required: true,
  content: { 'application/json': document, 'application/yaml': document },
})

const answers = {
  200: json('each case passed, or the differences between what it expected and what happened', TestReport),
  ...errors([400, 401, 404, 413, 415], {
    400: 'invalid_request: a bad test document (or mocks or expectations naming no task of the flow), with paths',
  }),
}

export const testFlowRoute = createRoute({
  method: 'post',
  path: '/flows/{id}/test',
  operationId: 'testFlow',
  summary: "Run test cases against a flow's latest revision",
  description:
    'Each case runs as an execution of the real engine with mocked I/O and a virtual clock, never listed, calling no network, deleted afterwards. JSON, or YAML with a YAML content type.',
  tags: ['flows'],
  request: {
    params: z.object({ id: FlowId }),
    query: NoQuery,
    body: body('the cases ({cases}; definition is refused)'),
  },
  responses: answers,
})

export const testDefinitionRoute = createRoute({
  method: 'post',
  path: '/tests',
  operationId: 'testDefinition',
  summary: 'Run test cases against an inline flow definition',
  description: 'As POST /api/flows/{id}/test, for the definition in the body (validated as a PUT validates it).',
  tags: ['flows'],
  request: { query: NoQuery, body: body('the definition and the cases ({definition, cases})') },
  responses: answers,
})

export const replayRecordRoute = createRoute({
  method: 'post',
  path: '/tests/replay',
  operationId: 'replayRecord',
  summary: 'Replay a recorded execution on a flow, with its recorded I/O as mocks',
  description:
    "Runs as a flow test: the record's http, subflow and wait tasks answer what they answered then, attempt by attempt, and every other task runs again; the answer says task by task what changed. Calls no network.",
  tags: ['flows'],
  request: {
    query: NoQuery,
    body: {
      description: 'the record and the flow ({record, definition?, revision?})',
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/FlowReplayRequest' } } },
    },
  },
  responses: {
    200: json('what changed, task by task', ReplayReport),
    ...errors([400, 401, 404, 413, 415], { 400: 'invalid_request or invalid_flow, with paths' }),
  },
})

const FlowParams = z.object({ id: FlowId })
/** A stand-in: api/openapi.ts replaces its component by the JSON Schema of flowtest/document.ts's StoredTests. */
const StoredTestsComponent = z
  .custom<{ flowId: string; cases: unknown[]; updatedAt: string | null }>()
  .openapi('FlowStoredTests', { type: 'object' })
const stored = (description: string) => json(description, StoredTestsComponent)

export const getFlowTestsRoute = createRoute({
  method: 'get',
  path: '/flows/{id}/tests',
  operationId: 'getFlowTests',
  summary: 'The test cases stored with a flow',
  description: 'As they were stored (PUT); none yet: an empty list and updatedAt null.',
  tags: ['flows'],
  request: { params: FlowParams, query: NoQuery },
  responses: { 200: stored("the flow's cases"), ...errors([400, 401, 404]) },
})

export const putFlowTestsRoute = createRoute({
  method: 'put',
  path: '/flows/{id}/tests',
  operationId: 'putFlowTests',
  summary: 'Store test cases with a flow',
  description:
    "Replaces the cases stored with the flow by those of a test document (JSON, or YAML with a YAML content type), checked as POST /api/flows/{id}/test checks them against the flow's latest revision. POST /api/flows/{id}/tests/run runs them; the dashboard's flow page shows and runs them.",
  tags: ['flows'],
  request: { params: FlowParams, query: NoQuery, body: body('the cases ({cases}; definition is refused)') },
  responses: {
    200: stored('the cases stored'),
    ...errors([400, 401, 404, 413, 415], {
      400: 'invalid_request: a bad test document (or mocks or expectations naming no task of the flow), with paths',
    }),
  },
})

export const deleteFlowTestsRoute = createRoute({
  method: 'delete',
  path: '/flows/{id}/tests',
  operationId: 'deleteFlowTests',
  summary: 'Delete the test cases stored with a flow',
  tags: ['flows'],
  request: { params: FlowParams, query: NoQuery },
  responses: { 204: { description: 'deleted (or there were none)' }, ...errors([400, 401, 404]) },
})

export const runFlowTestsRoute = createRoute({
  method: 'post',
  path: '/flows/{id}/tests/run',
  operationId: 'runFlowTests',
  summary: 'Run the test cases stored with a flow against its latest revision',
  description: 'As POST /api/flows/{id}/test runs a document sent with the request.',
  tags: ['flows'],
  request: { params: FlowParams, query: NoQuery },
  responses: {
    200: json('each case passed, or the differences between what it expected and what happened', TestReport),
    ...errors([400, 401, 404], {
      400: "invalid_request: the stored cases name tasks the flow's latest revision no longer has, with paths",
      404: 'the flow, or cases stored with it',
    }),
  },
})
