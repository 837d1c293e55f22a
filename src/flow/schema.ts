/**
 * @module The flow definition (docs/architecture.md, Flows) as zod schemas. Task schemas come from the action
 * registry; every action parameter may also be written as a `{{ }}` template, checked at run time.
 */
import { Cron } from 'croner'
import * as z from 'zod'
import type { Action, TaskShape } from '../actions/define'
import { HTTP_METHODS } from '../actions/http'
import { Expression } from '../actions/define'
import { actions } from '../actions/index'
import { ErrorType } from '../domain/errors'
import { ExecutionStatus, Mode } from '../domain/types'
import { ExpressionBudget } from './budget'
import { Duration, parseDuration } from '../domain/duration'
import { FlowId, TaskId } from '../domain/flow-ids'
import { Retention } from './retention'
import { InputHeaders } from './input-headers'
import { SECRET_PREFIX } from '../domain/flow-secrets'
import { InputSchema } from './input-schema'
import { Concurrency, Priority, RateLimit } from './flow-control'
import { QueueTrigger } from './queue-trigger'
import { EmailTrigger } from './email-trigger'
import { Placement } from './placement'
import { Batch, Debounce } from './gather'
import { LabelKey, LabelRecord, LabelValue, MAX_LABELS, TOO_MANY_LABELS } from '../domain/labels'

const TEMPLATE = /\{\{[\s\S]*?\}\}/

/** Accepts what `schema` accepts, or a template whose value `schema` checks at run time. */
function templated(schema: z.ZodType) {
  const field = z.unknown().superRefine((value, ctx) => {
    if (typeof value === 'string' && TEMPLATE.test(value)) return
    const result = schema.safeParse(value)
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue })
  })
  return schema.safeParse(undefined).success ? field.optional() : field
}

export const RetryPolicy = z
  .strictObject({
    maxAttempts: z.int().min(1).max(100).default(1),
    backoff: z.enum(['constant', 'linear', 'exponential']).default('constant'),
    delay: Duration.default('1s'),
    maxDelay: Duration.optional(),
    retryOn: z.array(ErrorType).optional(),
  })
  .refine(
    (policy) =>
      policy.maxDelay === undefined || (parseDuration(policy.maxDelay) ?? 0) >= (parseDuration(policy.delay) ?? 0),
    { message: 'maxDelay cannot be less than delay', path: ['maxDelay'] },
  )
export type RetryPolicy = z.infer<typeof RetryPolicy>

const taskBase = {
  id: TaskId,
  description: z.string().max(2000).optional(),
  if: Expression.optional(),
  retry: RetryPolicy.optional(),
  timeout: Duration.optional(),
  allowFailure: z.boolean().optional(),
}

const TaskList: z.ZodType<TaskShape[]> = z.lazy(() => z.array(Task).min(1, 'needs at least one task'))

/**
 * The handler task lists (README, When things fail): `compensate` on any task, `errors` and `finally`
 * on the flow and on every container.
 */
const compensate = { compensate: TaskList.optional() }
const scopeHandlers = { errors: TaskList.optional(), finally: TaskList.optional() }

function taskSchema(action: Action) {
  const params = Object.fromEntries(
    Object.entries(action.params).map(([name, schema]) => [
      name,
      action.expressions.includes(name) ? Expression : templated(schema),
    ]),
  )
  const structure = action.structure(TaskList)
  const handlers = Object.keys(structure).length > 0 ? { ...compensate, ...scopeHandlers } : compensate
  return z.strictObject({ ...taskBase, type: z.literal(action.type), ...params, ...structure, ...handlers })
}

const TYPES = actions.map((action) => action.type)

export const Task = z.discriminatedUnion(
  'type',
  actions.map((action) => taskSchema(action)) as unknown as [
    ReturnType<typeof taskSchema>,
    ...ReturnType<typeof taskSchema>[],
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown task type ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}; known types: ${TYPES.join(', ')}`
        : undefined,
  },
)
export type Task = z.infer<typeof Task>

const Cronexpr = z.string().refine(
  (pattern) => {
    try {
      new Cron(pattern, { paused: true })
      return true
    } catch {
      // croner throws on a bad pattern: that is the answer
      return false
    }
  },
  { error: (issue) => `invalid cron expression ${JSON.stringify(issue.input)}` },
)

const Timezone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone })
      return true
    } catch {
      // Intl throws RangeError on an unknown zone: that is the answer
      return false
    }
  },
  { error: (issue) => `unknown timezone ${JSON.stringify(issue.input)}` },
)

export const TriggerDefinition = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webhook'),
    methods: z.array(z.enum(HTTP_METHODS)).min(1).default(['POST']),
    /** The env secret holding a Standard Webhooks key (`whsec_…`): requests must be signed with it. */
    secret: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'the name of a secret (upper case letters, digits and "_")')
      .refine((name) => !name.startsWith(SECRET_PREFIX), {
        message: `a webhook's signing secret cannot be one flows read (${SECRET_PREFIX}…): name it otherwise`,
      })
      .optional(),
  }),
  z.strictObject({
    type: z.literal('schedule'),
    cron: Cronexpr,
    timezone: Timezone.default('UTC'),
    input: z.unknown().optional(),
  }),
  /** Starts the flow once for every execution that ends in one of `statuses` (README, Flows that react to executions). */
  z.strictObject({
    type: z.literal('execution'),
    /** Only executions of this flow (default: of every flow). */
    flowId: FlowId.optional(),
    statuses: z.array(ExecutionStatus.extract(['completed', 'warning', 'failed', 'killed'])).min(1),
    /** Only executions that carry every one of these labels. */
    labels: LabelRecord.optional(),
  }),
  /** Starts the flow for every message of a queue the Worker consumes (README, Queue triggers). */
  QueueTrigger,
  /** Starts the flow for every email the Worker receives for its address (README, Email triggers). */
  EmailTrigger,
])
export type TriggerDefinition = z.infer<typeof TriggerDefinition>

/**
 * The longest a sync caller is held before 202 and the polling links. Proxies and load balancers in
 * front of callers cut a silent response at 100 s (Cloudflare's own proxy, error 524) or sooner, and
 * webhook senders give up far earlier: a longer wait would trade the 202 a caller can use for a
 * dropped connection, while holding the execution's object and a connection for nothing.
 */
export const MAX_SYNC_TIMEOUT_MS = 100_000

const SyncTimeout = Duration.refine((value) => (parseDuration(value) ?? 0) <= MAX_SYNC_TIMEOUT_MS, {
  error: `syncTimeout is ${MAX_SYNC_TIMEOUT_MS / 1000}s at most (callers waiting longer get 202 and poll)`,
})

export const FlowDefinition = z
  .strictObject({
    name: z.string().max(200).optional(),
    description: z.string().max(5000).optional(),
    mode: Mode.default('async'),
    timeout: Duration.optional(),
    syncTimeout: SyncTimeout.optional(),
    /** How long an execution is kept after it ends (default 30 days). */
    retention: Retention.optional(),
    retry: RetryPolicy.optional(),
    expressionBudget: ExpressionBudget.optional(),
    inputHeaders: InputHeaders.optional(),
    /** A JSON Schema for the trigger body: a body that does not match fails its execution with validation_error. */
    input: InputSchema.optional(),
    /** How many executions run at once (per key), and whether the others queue or are refused. */
    concurrency: Concurrency.optional(),
    /** The order of executions queued by `concurrency`: higher first, aged so that none starves (docs/flows.md). */
    priority: Priority.optional(),
    /** How many triggers per period (per key); more are refused with 429. */
    rateLimit: RateLimit.optional(),
    /** Triggers within a quiet period (per key) collapse into one execution (docs/flows.md, Debounce and batching). */
    debounce: Debounce.optional(),
    /** Triggers (per key) are collected into one execution whose input lists them. */
    batch: Batch.optional(),
    triggers: z.array(TriggerDefinition).optional(),
    /** Where its executions' objects are created (README, Placement). */
    placement: Placement.optional(),
    /** Labels every execution starts with; a value may be a template over the input (README, Labels). */
    labels: z
      .record(LabelKey, templated(LabelValue))
      .refine((labels) => Object.keys(labels).length <= MAX_LABELS, TOO_MANY_LABELS)
      .optional(),
    tasks: z.array(Task).min(1, 'a flow needs at least one task'),
    /** Run when a task of the flow fails for good and no container's `errors` handled it. */
    errors: z.array(Task).min(1, 'needs at least one task').optional(),
    /** Run once the flow's tasks ended, whatever their status (after `errors` and compensations). */
    finally: z.array(Task).min(1, 'needs at least one task').optional(),
  })
  .superRefine((flow, ctx) => {
    if (flow.priority !== undefined && flow.concurrency?.onLimit !== 'queue')
      ctx.addIssue({
        code: 'custom',
        path: ['priority'],
        message:
          'priority orders the executions a concurrency limit queues: it needs "concurrency" with onLimit "queue"',
      })
    if (flow.debounce && flow.batch)
      ctx.addIssue({ code: 'custom', path: ['batch'], message: 'a flow debounces or batches its triggers, not both' })
    // ids are unique across the whole flow, handlers included: `outputs.<id>` names one task
    const seen = new Set<string>()
    for (const field of ['tasks', ...FLOW_HANDLERS] as const) {
      walkTasks(flow[field] ?? [], [field], (task, path, depth) => {
        if (depth === MAX_TASK_DEPTH + 1) {
          ctx.addIssue({ code: 'custom', path, message: `tasks nest ${MAX_TASK_DEPTH} levels deep at most` })
        }
        if (seen.has(task.id)) {
          ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `duplicate task id "${task.id}"` })
        }
        seen.add(task.id)
      })
    }
  })
export type FlowDefinition = z.infer<typeof FlowDefinition>

/** The flow's handler task lists, besides its tasks. */
export const FLOW_HANDLERS = ['errors', 'finally'] as const

/** The task lists a task may hold besides its action's own: its handlers (visited after its lanes). */
export const TASK_HANDLERS = ['errors', 'finally', 'compensate'] as const

/** How deep containers may nest tasks (a top-level task is at depth 1). */
export const MAX_TASK_DEPTH = 64

/**
 * Visits every task of a task list and of the containers in it, depth first, with its path and depth.
 * It recurses once per level: `validateFlow` bounds the nesting of a definition before the schema or
 * this walk see it, and every stored revision went through it.
 */
export function walkTasks(
  tasks: readonly TaskShape[],
  path: (string | number)[],
  visit: (task: TaskShape, path: (string | number)[], depth: number) => void,
  depth = 1,
): void {
  tasks.forEach((task, index) => {
    const taskPath = [...path, index]
    visit(task, taskPath, depth)
    for (const field of [...(STRUCTURE_FIELDS.get(task.type) ?? []), ...TASK_HANDLERS]) {
      for (const [lanePath, lane] of taskLists(task[field]))
        walkTasks(lane, [...taskPath, field, ...lanePath], visit, depth + 1)
    }
  })
}

const STRUCTURE_FIELDS = new Map(actions.map((action) => [action.type, Object.keys(action.structure(TaskList))]))

/** The task lists inside a structure field: a list, an array of lists or a record of lists. */
function taskLists(value: unknown): [(string | number)[], TaskShape[]][] {
  if (!Array.isArray(value)) {
    return value && typeof value === 'object'
      ? Object.entries(value).map(([key, list]) => [[key], list as TaskShape[]])
      : []
  }
  if (value.every(Array.isArray)) return value.map((list, index) => [[index], list as TaskShape[]])
  return [[[], value as TaskShape[]]]
}
