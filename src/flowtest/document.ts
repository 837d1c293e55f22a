/**
 * @module A flow test document (docs/testing-flows.md): cases, each a trigger input, the mocks that
 * stand for the flow's I/O (per task id, per http request), the events its `wait` tasks get, and
 * what the execution must have done. Validated with zod; a bad document is a 400 with paths.
 */
import * as z from 'zod'
import { HTTP_METHODS } from '../actions/http'
import { Duration } from '../domain/duration'
import { ErrorType } from '../domain/errors'
import { ExecutionStatus, TaskRunStatus } from '../domain/types'

/** Cases a document holds at most (each runs an execution). */
export const MAX_CASES = 50

/** One attempt's result in place of the task's action: an output, or an error of a type. */
export const TaskMock = z
  .strictObject({
    status: z
      .enum(['completed', 'failed'])
      .optional()
      .meta({ description: 'default: failed with an error, else completed' }),
    output: z.unknown().optional().meta({ description: 'the output of a completed attempt (default null)' }),
    error: z
      .strictObject({ type: ErrorType.default('internal'), message: z.string().default('mocked failure') })
      .optional()
      .meta({ description: 'the error of a failed attempt' }),
  })
  .refine((mock) => !(mock.status === 'completed' && mock.error), { message: 'a completed mock has no error' })
export type TaskMock = z.output<typeof TaskMock>

/** The response an http request matching `method` and `url` gets (`*` in the URL matches any text). */
export const HttpMock = z.strictObject({
  method: z.enum(HTTP_METHODS).optional().meta({ description: 'any method when absent' }),
  url: z.string().min(1).meta({ description: 'the whole URL, query included; `*` matches any text' }),
  status: z.int().min(200).max(599).default(200),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional().meta({ description: 'JSON unless a string (sent as it is)' }),
  delay: Duration.optional().meta({
    description:
      'the virtual time the response takes ("2s", "1h"): an attempt\'s timeout due sooner (or at the same moment) wins',
  }),
})
export type HttpMock = z.output<typeof HttpMock>

export const Mocks = z.strictObject({
  tasks: z
    .record(z.string(), z.union([TaskMock, z.array(TaskMock).min(1)]))
    .default({})
    .meta({ description: 'task id → its result, or one per attempt (the last repeats): the action does not run' }),
  http: z
    .array(HttpMock)
    .default([])
    .meta({ description: 'the first that matches answers; an unmatched request fails the case' }),
})
export type Mocks = z.output<typeof Mocks>

/** An event delivered to the `wait` task listening for `name`, once one is reached. */
export const TestEvent = z.strictObject({ name: z.string().min(1), payload: z.unknown().optional() })
export type TestEvent = z.output<typeof TestEvent>

/** A task's expected status; `not_run` when no run of it exists. */
export const ExpectedTaskStatus = z.union([TaskRunStatus, z.literal('not_run')])

export const Expectations = z.strictObject({
  status: ExecutionStatus.optional(),
  output: z.unknown().optional().meta({ description: 'the response ({status, body, headers}), matched as a subset' }),
  error: z.unknown().optional().meta({ description: "the execution's error, matched as a subset" }),
  tasks: z.record(z.string(), ExpectedTaskStatus).optional().meta({ description: "task id → its last run's status" }),
  outputs: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: '`taskId.path.to[0].field` → a value (a subset), or {"$jsonata": predicate over `value`}' }),
  vars: z.record(z.string(), z.unknown()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  logs: z.array(z.string()).optional().meta({ description: 'texts each found in some log line' }),
})
export type Expectations = z.output<typeof Expectations>

export const TestCase = z.strictObject({
  name: z.string().min(1).max(200),
  input: z
    .strictObject({ body: z.unknown().optional(), headers: z.record(z.string(), z.string()).optional() })
    .default({}),
  mocks: Mocks.default({ tasks: {}, http: [] }),
  events: z.array(TestEvent).default([]),
  expect: Expectations.default({}),
})
export type TestCase = z.output<typeof TestCase>

export const TestDocument = z.strictObject({
  flow: z.string().optional().meta({ description: 'the id of the flow tested (the CLI reads it)' }),
  definition: z
    .unknown()
    .optional()
    .meta({ description: 'an inline flow definition, as a PUT takes it (POST /api/tests only)' }),
  cases: z.array(TestCase).min(1).max(MAX_CASES),
})
export type TestDocument = z.output<typeof TestDocument>

/** The test cases stored with a flow, as `GET /api/flows/{id}/tests` answers them (as they were sent). */
export const StoredTests = z.strictObject({
  flowId: z.string(),
  cases: z.array(TestCase).max(MAX_CASES),
  updatedAt: z.iso.datetime().nullable().meta({ description: 'when they were stored; null: the flow has none' }),
})
