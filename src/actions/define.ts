/**
 * @module The shape of an action: a zod schema for its parameters and a `run` function.
 * Parameters are resolved (templates evaluated) before `run`; `run` returns what happened
 * as a value, and the engine decides what that means for the execution.
 */
import * as z from 'zod'
import type { LogLevel } from '../domain/log'
import type { Metric, Output, TaskError } from '../domain/types'
import type { SecretUse } from '../domain/flow-secrets'
export { asText } from '../domain/text'

/** A task as stored in a flow: what container actions hold in their lanes. */
export interface TaskShape {
  id: string
  type: string
  [field: string]: unknown
}

/** A JSONata expression written without `{{ }}` (conditions, items, switch values). */
export const Expression = z.string().trim().min(1, 'expression must not be empty')

/** What the engine hands every action. */
export interface ActionContext {
  execution: { id: string; flowId: string | null; revision: number }
  taskRun: { id: number; taskId: string; attempt: number }
  /** Aborted when the attempt times out or the execution is killed. */
  signal: AbortSignal
  now(): number
  fetch: typeof fetch
  /** The execution's secrets, for actions that authenticate or sign with one. */
  secrets: ActionSecrets
  /**
   * `traceparent` (and `tracestate`) naming this attempt's span, which an http task sends and a
   * subflow's child continues (README, Traces); empty while tracing is off.
   */
  traceHeaders: Record<string, string>
  /** Starts (idempotently) a child execution for a `subflow` task. */
  startChild(request: ChildRequest): Promise<{ executionId: string; output: Output | null; status: string }>
}

/** The secrets an action may use; what it reads is masked wherever the execution records it. */
export interface ActionSecrets {
  /** The value of the flow's secret `name`; throws a `validation_error` when it cannot be read. */
  read(name: string): string
  /**
   * `value` was computed from `source`: unless masking still finds in it every secret `source`
   * holds, it is masked whole, like them.
   */
  conceal(value: string, source: string): void
}

export interface ChildRequest {
  flowId: string
  revision?: number | undefined
  body: unknown
  /** The trace headers of the attempt that starts it: the child's trace continues there. */
  trace?: Record<string, string>
}

/** What an attempt produced; the engine turns it into state. */
export type ActionResult =
  | {
      kind: 'completed'
      output: unknown
      /** A `return` task: the execution's response. */
      response?: Output
      /** A `set` task: variables to write. */
      vars?: Record<string, unknown>
      /** A `label` task: labels to add to the execution or change. */
      labels?: Record<string, string>
      log?: { level: LogLevel; message: string }
      metrics?: Metric[]
    }
  | { kind: 'failed'; error: TaskError; metrics?: Metric[] }
  /** Sleep until `until` (epoch ms), then complete with `{ sleptMs }`. */
  | { kind: 'sleep'; until: number }
  /** Run these lanes of the container (if, switch, parallel); the others are skipped. */
  | { kind: 'lanes'; run: string[]; skip: string[] }
  /** Run the container's tasks once per item (foreach). */
  | { kind: 'iterate'; items: unknown[]; concurrency: number }
  /** Wait for an event delivered through the API. */
  | { kind: 'wait'; event: string; onTimeout: 'fail' | 'continue' }
  /** A child execution was started; wait for it unless `wait` is false. */
  | { kind: 'child'; executionId: string; wait: boolean; status: string; output: Output | null }

type Shape = Record<string, z.ZodType>
type TaskList = z.ZodType<TaskShape[]>

export interface Action<P extends Shape = Shape, S extends Shape = Shape> {
  readonly type: string
  /** Parameters after templating; every one may be written as a `{{ }}` template. */
  readonly params: P
  /** Parameters written as bare JSONata expressions. */
  readonly expressions: readonly (keyof P & string)[]
  /** Fields that hold task lists (containers). */
  structure(tasks: TaskList): S
  /** The lanes of a container: lane key → tasks (`*` = one lane per foreach item). */
  lanes(task: z.infer<z.ZodObject<S>>): Record<string, TaskShape[]>
  /** True when `run` does no I/O: it runs inside the engine's slice without yielding. */
  readonly inline: boolean
  /** The secrets the task names in its fields (not in expressions), with their paths in the task. */
  secretNames(task: TaskShape): SecretUse[]
  run(params: z.output<z.ZodObject<P>>, context: ActionContext, task: TaskShape): ActionResult | Promise<ActionResult>
}

const noStructure = () => ({})
const noLanes = () => ({})
const noSecrets = () => []

/** Declares an action; omitted parts default to a leaf task with no expressions. */
export function defineAction<P extends Shape, S extends Shape = Record<never, z.ZodType>>(
  action: Pick<Action<P, S>, 'type' | 'params' | 'run' | 'inline'> &
    Partial<Pick<Action<P, S>, 'expressions' | 'structure' | 'lanes' | 'secretNames'>>,
): Action<P, S> {
  return {
    expressions: [],
    structure: noStructure as unknown as Action<P, S>['structure'],
    lanes: noLanes,
    secretNames: noSecrets,
    ...action,
  }
}

/** A completed result. */
export const completed = (
  output: unknown = null,
  extra: Omit<Extract<ActionResult, { kind: 'completed' }>, 'kind' | 'output'> = {},
): ActionResult => ({
  kind: 'completed',
  output,
  ...extra,
})

/** A failed result. */
export const failed = (type: TaskError['type'], message: string): ActionResult => ({
  kind: 'failed',
  error: { type, message },
})
