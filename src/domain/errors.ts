/** @module Error values of executions (docs/architecture.md, Life of a trigger): persisted as JSON, never thrown across the object boundary. */
import * as z from 'zod'

export const ErrorType = z.enum([
  'http_error',
  'timeout',
  'expression_error',
  'validation_error',
  'fail_task',
  'subflow_failed',
  'internal',
])
export type ErrorType = z.infer<typeof ErrorType>

/** What went wrong in one attempt. */
export const TaskError = z.object({ type: ErrorType, message: z.string() })
export type TaskError = z.infer<typeof TaskError>

/** Handler failures kept beside an execution's error, at most (the first ones). */
export const MAX_HANDLER_FAILURES = 20

/** Why an execution failed: the task, its run and attempt, and the problem. */
export const ExecutionError = TaskError.extend({
  taskId: z.string().nullable(),
  taskRunId: z.number().nullable(),
  attempt: z.number().nullable(),
  /** For an input its flow's schema refused: every problem, with the path of the bad field in the body. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** Failures inside `errors`, compensations or `finally`: recorded beside this one, never instead of it. */
  handlerFailures: z
    .array(TaskError.extend({ taskId: z.string(), taskRunId: z.number() }))
    .max(MAX_HANDLER_FAILURES)
    .optional(),
  /** The compensations a failed execution ran (README, When things fail). */
  compensation: z.object({ ran: z.number(), completed: z.number(), failed: z.number() }).optional(),
})
export type ExecutionError = z.infer<typeof ExecutionError>

/** The code of a sync answer saying the execution failed or was killed: an error has a `code` wherever it comes from. */
export const ExecutionFailureCode = z.enum(['execution_failed', 'execution_killed'])

/** What a failed or killed execution answers its caller: its error, with a code like every other error (core/output.ts). */
export const ExecutionFailure = ExecutionError.extend({
  code: ExecutionFailureCode,
  type: z.union([ErrorType, z.literal('killed')]),
})
export type ExecutionFailure = z.infer<typeof ExecutionFailure>

/** Turns anything caught into a task error; typed errors keep their type. */
export function toTaskError(error: unknown, fallback: ErrorType = 'internal'): TaskError {
  if (error && typeof error === 'object') {
    const type = ErrorType.safeParse((error as { type?: unknown }).type)
    const message = (error as { message?: unknown }).message
    return {
      type: type.success ? type.data : fallback,
      message: clip(typeof message === 'string' ? message : String(error)),
    }
  }
  return { type: fallback, message: clip(String(error)) }
}

/** Messages are kept to a few KiB: an error is stored with every attempt. */
const clip = (message: string) => (message.length > 4096 ? `${message.slice(0, 4096)}…` : message)

/** Thrown by actions and services with the type the attempt should fail with. */
export class TaskFailure extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message)
  }
}

/** A value no branch was written for: the type system rules it out, so reaching it is a bug. */
export class Unreachable extends Error {
  readonly type = 'unreachable'
}

/** Ends an exhaustive switch: a new variant without a branch fails to compile here. */
export function unreachable(value: never): never {
  throw new Unreachable(`no branch for ${JSON.stringify(value)}`)
}

/**
 * A state the engine's own code should never reach: a bug, not bad input or a failing service.
 * Whatever catches it, it is an `internal` error.
 */
export class InvariantViolated extends Error {
  readonly type = 'internal'
  override readonly name = 'InvariantViolated'
}
