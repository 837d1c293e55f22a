/** @module The answer of a flow test run (docs/testing-flows.md): per case, passed or the differences found. */
// extends zod's ZodType with `.openapi` before the schemas below are built
import '@hono/zod-openapi'
import * as z from 'zod'
import { ExecutionError, ExecutionStatus, Output, TaskRunStatus } from '../domain/types'

const Difference = z
  .object({
    path: z.string().openapi({ description: 'where in the case: expect.tasks.charge, expect.output.body.id, mocks…' }),
    message: z.string(),
    expected: z.unknown().optional(),
    actual: z.unknown().optional(),
  })
  .openapi('FlowTestDifference')

const CaseReport = z
  .object({
    name: z.string(),
    passed: z.boolean(),
    differences: z.array(Difference),
    status: ExecutionStatus,
    output: Output.nullable(),
    error: ExecutionError.nullable(),
    tasks: z.array(z.object({ taskId: z.string(), status: TaskRunStatus, attempts: z.int() })).openapi({
      description: 'every task run, in the order they were created',
    }),
    requests: z
      .array(z.object({ taskId: z.string(), method: z.string(), url: z.string(), mocked: z.boolean() }))
      .openapi({ description: 'the http requests the attempts made: each answered by a mock, or refused' }),
    virtualMs: z
      .int()
      .openapi({ description: 'the virtual time the execution took (delays and back-offs run in no time)' }),
  })
  .openapi('FlowTestCase')

export const TestReport = z
  .object({
    passed: z.boolean(),
    total: z.int(),
    failed: z.int(),
    cases: z.array(CaseReport),
  })
  .openapi('FlowTestReport')
export type TestReport = z.infer<typeof TestReport>
export type CaseReport = z.infer<typeof CaseReport>

const Recorded = z.object({ status: z.string(), output: z.unknown() }).nullable()

export const ReplayReport = z
  .object({
    unchanged: z.boolean().openapi({ description: 'every task did as recorded' }),
    firstDivergence: z
      .string()
      .nullable()
      .openapi({ description: 'the first task (in the order tasks ran) that changed' }),
    changes: z
      .array(
        z.object({
          taskId: z.string(),
          change: z.enum(['same', 'changed', 'new', 'gone']),
          fields: z.array(z.string()).openapi({ description: 'what changed: status, output, error, input' }),
          recorded: Recorded,
          replayed: Recorded,
        }),
      )
      .openapi({ description: "each task's last run, recorded and replayed" }),
    replay: CaseReport,
  })
  .openapi('FlowReplayReport')
export type ReplayReport = z.infer<typeof ReplayReport>
