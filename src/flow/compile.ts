/**
 * @module A flow revision made ready to run: tasks indexed by id with their place in the tree,
 * templates and expressions compiled once, retry policies resolved.
 */
import type { Action, TaskShape } from '../actions/define'
import { actionOf } from '../actions/index'
import type { ErrorType } from '../domain/errors'
import type { Mode } from '../domain/types'
import { DEFAULT_BUDGET } from './budget'
import { parseDuration } from '../domain/duration'
import { compileExpression, compileValue, type Compiled, ExpressionError, usesOf } from './expression'
import { redactedHeaders } from './input-headers'
import { InputValidator } from './input-schema'
import type { CompiledConcurrency, CompiledRateLimit } from './flow-control'
import { type CompiledGather, gatherPolicy } from './gather'
import { formatPath, fromZod, type Issue } from './issues'
import { retentionMs } from './retention'
import { MAX_NESTING, valueTooDeep } from './nesting'
import {
  FLOW_HANDLERS,
  FlowDefinition,
  MAX_SYNC_TIMEOUT_MS,
  MAX_TASK_DEPTH,
  type RetryPolicy,
  TASK_HANDLERS,
  type Task,
  walkTasks,
} from './schema'
import { lookupSecret, type SecretEnv, type SecretUse, secretUseProblem } from '../domain/flow-secrets'

/** A retry policy with durations in milliseconds and the retryable error types spelled out. */
export interface ResolvedRetry {
  maxAttempts: number
  backoff: 'constant' | 'linear' | 'exponential'
  delayMs: number
  maxDelayMs: number | null
  retryOn: readonly ErrorType[]
}

export interface CompiledTask {
  readonly task: Task
  readonly action: Action
  readonly parentId: string | null
  /** The lane of the parent this task sits in (`*` inside a foreach). */
  readonly lane: string | null
  readonly position: number
  readonly params: ReadonlyMap<string, Compiled>
  readonly condition: Compiled | null
  readonly retry: ResolvedRetry
  readonly timeoutMs: number | null
  /** For containers: lane key → the ids of its tasks. */
  readonly lanes: Readonly<Record<string, readonly string[]>>
  /** The ids of its handler tasks: `errors` and `finally` (containers), `compensate` (any task). */
  readonly handlers: Handlers
}

/** The ids of the handler tasks of a scope or task, by list (README, When things fail). */
export type Handlers = Readonly<Record<(typeof TASK_HANDLERS)[number], readonly string[]>>

export interface CompiledFlow {
  /** Null for the definition of an ad-hoc run. */
  readonly flowId: string | null
  readonly revision: number
  readonly definition: FlowDefinition
  readonly mode: Mode
  readonly timeoutMs: number | null
  readonly syncTimeoutMs: number
  /** How long an execution is kept after it ends. */
  readonly retentionMs: number
  /** Request headers whose values the input of an execution replaces with "[redacted]". */
  readonly redactedHeaders: ReadonlySet<string>
  /** The flow's input schema, ready to check bodies (null: any body). */
  readonly input: InputValidator | null
  /** At most this many executions at once per key (null: no limit). */
  readonly concurrency: CompiledConcurrency | null
  /** At most this many triggers per period per key (null: no limit). */
  readonly rateLimit: CompiledRateLimit | null
  /** How its triggers are gathered into executions: `debounce` or `batch` (null: one execution each). */
  readonly gather: CompiledGather | null
  readonly root: readonly string[]
  /** The ids of the flow's own `errors` and `finally` tasks (`compensate` is always empty). */
  readonly handlers: Handlers
  readonly tasks: ReadonlyMap<string, CompiledTask>
  /** The flow's labels, evaluated to a record when an execution starts (null: it has none). */
  readonly labels: Compiled | null
  /** The secrets the flow names where they are known before it runs, with their paths. */
  readonly secrets: readonly SecretUse[]
}

/** A sync caller waits this long by default before getting 202 and the polling links. */
export const DEFAULT_SYNC_TIMEOUT_MS = 25_000

/** Errors that never retry, whatever `retryOn` says. */
const NEVER_RETRIED: readonly ErrorType[] = ['validation_error', 'fail_task']
const RETRYABLE: readonly ErrorType[] = ['http_error', 'timeout', 'expression_error', 'subflow_failed', 'internal']

function resolveRetry(policy: RetryPolicy | undefined): ResolvedRetry {
  return {
    maxAttempts: policy?.maxAttempts ?? 1,
    backoff: policy?.backoff ?? 'constant',
    delayMs: parseDuration(policy?.delay ?? '1s') ?? 1000,
    maxDelayMs: policy?.maxDelay === undefined ? null : parseDuration(policy.maxDelay),
    retryOn: (policy?.retryOn ?? RETRYABLE).filter((type) => !NEVER_RETRIED.includes(type)),
  }
}

export class FlowInvalid extends Error {
  readonly type = 'validation_error'
  constructor(readonly issues: Issue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '))
  }
}

/** What a definition nested too deep to check is told. */
export const DEFINITION_TOO_DEEP = `a flow definition nests ${MAX_NESTING} levels of arrays and objects at most, and tasks ${MAX_TASK_DEPTH} levels`

/**
 * Validates a definition (schema and expressions); returns it parsed or throws `FlowInvalid`.
 * Given the Worker's `env`, every secret the flow names literally must be set in it.
 */
export function validateFlow(raw: unknown, env?: SecretEnv): FlowDefinition {
  // the schema recurses once per level of nested tasks: bound the nesting before it runs
  if (valueTooDeep(raw)) throw new FlowInvalid([{ path: '', message: DEFINITION_TOO_DEEP }])
  const parsed = FlowDefinition.safeParse(raw)
  if (!parsed.success) throw new FlowInvalid(fromZod(parsed.error))
  const { secrets } = compileFlow('check', 0, parsed.data)
  const issues: Issue[] = []
  for (const use of env ? secrets : []) {
    const found = lookupSecret(env ?? {}, use.name)
    const problem = found.ok ? secretUseProblem(use, found.value) : found.message
    if (problem) issues.push({ path: formatPath(use.path), message: problem })
  }
  if (issues.length > 0) throw new FlowInvalid(issues)
  return parsed.data
}

/** Compiles a valid definition; throws `FlowInvalid` listing every bad expression. */
export function compileFlow(flowId: string | null, revision: number, definition: FlowDefinition): CompiledFlow {
  const tasks = new Map<string, CompiledTask>()
  const issues: Issue[] = []
  const secrets: SecretUse[] = []
  const flowRetry = definition.retry
  const budget = definition.expressionBudget ?? DEFAULT_BUDGET
  const place = new Map<string, { parentId: string | null; lane: string; position: number }>()
  const handlersOf = (parentId: string | null, lists: { [lane in keyof Handlers]?: TaskShape[] | undefined }) => {
    const ids = (lane: keyof Handlers) => {
      const list = lists[lane] ?? []
      list.forEach((child, position) => place.set(child.id, { parentId, lane, position }))
      return list.map((child) => child.id)
    }
    return { errors: ids('errors'), finally: ids('finally'), compensate: ids('compensate') }
  }
  const flowHandlers = handlersOf(null, { errors: definition.errors, finally: definition.finally })

  const visit = (shape: TaskShape, path: (string | number)[]) => {
    const task = shape as Task
    const action = actionOf(task.type)
    const lanes = Object.fromEntries(
      Object.entries(action.lanes(task as never)).map(([lane, list]) => {
        list.forEach((child: TaskShape, position) => place.set(child.id, { parentId: task.id, lane, position }))
        return [lane, list.map((child: TaskShape) => child.id)]
      }),
    )
    const handlers = handlersOf(task.id, task as { [lane in keyof Handlers]?: TaskShape[] })
    const params = new Map<string, Compiled>()
    const compile = (name: string, build: () => Compiled) => {
      try {
        params.set(name, build())
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error
        issues.push({ path: formatPath(error.path), message: error.message })
      }
    }
    for (const name of Object.keys(action.params)) {
      const value = (task as Record<string, unknown>)[name]
      if (value === undefined) continue
      const fieldPath = [...path, name]
      compile(name, () =>
        action.expressions.includes(name)
          ? compileExpression(String(value), fieldPath, budget)
          : compileValue(value, fieldPath, budget),
      )
    }
    let condition: Compiled | null = null
    if (task.if !== undefined) {
      try {
        condition = compileExpression(task.if, [...path, 'if'], budget)
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error
        issues.push({ path: formatPath(error.path), message: error.message })
      }
    }
    secrets.push(...usesOf([...params.values(), ...(condition ? [condition] : [])]))
    for (const use of action.secretNames(task)) secrets.push({ ...use, path: [...path, ...use.path] })
    const where = place.get(task.id)
    tasks.set(task.id, {
      task,
      action,
      parentId: where?.parentId ?? null,
      lane: where?.lane ?? null,
      position: where?.position ?? (path[1] as number),
      params,
      condition,
      retry: resolveRetry(task.retry ?? flowRetry),
      timeoutMs: task.timeout === undefined ? null : parseDuration(task.timeout),
      lanes,
      handlers,
    })
  }
  for (const field of ['tasks', ...FLOW_HANDLERS] as const) walkTasks(definition[field] ?? [], [field], visit)
  /** A flow-control expression (a key, the priority), compiled with its path; null when absent. */
  const controlExpression = (field: 'concurrency' | 'rateLimit' | 'debounce' | 'batch' | 'priority') => {
    const key = field === 'priority' ? definition.priority : definition[field]?.key
    if (key === undefined) return null
    try {
      return compileExpression(key, field === 'priority' ? [field] : [field, 'key'], budget)
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error
      issues.push({ path: formatPath(error.path), message: error.message })
      return null
    }
  }
  const concurrency = definition.concurrency && {
    limit: definition.concurrency.limit,
    onLimit: definition.concurrency.onLimit,
    key: controlExpression('concurrency'),
    priority: controlExpression('priority'),
  }
  const rateLimit = definition.rateLimit && {
    limit: definition.rateLimit.limit,
    periodMs: parseDuration(definition.rateLimit.period) ?? 60_000,
    key: controlExpression('rateLimit'),
  }
  const policy = gatherPolicy(definition)
  const gather = policy && { policy, key: controlExpression(policy.kind) }
  let labels: Compiled | null = null
  try {
    labels = definition.labels === undefined ? null : compileValue(definition.labels, ['labels'], budget)
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error
    issues.push({ path: formatPath(error.path), message: error.message })
  }
  if (labels) secrets.push(...usesOf([labels]))
  if (issues.length > 0) throw new FlowInvalid(issues)
  return {
    flowId,
    revision,
    definition,
    mode: definition.mode,
    timeoutMs: definition.timeout === undefined ? null : parseDuration(definition.timeout),
    // revisions stored before the bound existed are held to it too
    syncTimeoutMs: Math.min(
      definition.syncTimeout === undefined
        ? DEFAULT_SYNC_TIMEOUT_MS
        : (parseDuration(definition.syncTimeout) ?? DEFAULT_SYNC_TIMEOUT_MS),
      MAX_SYNC_TIMEOUT_MS,
    ),
    retentionMs: retentionMs(definition.retention),
    redactedHeaders: redactedHeaders(definition.inputHeaders),
    input: definition.input === undefined ? null : new InputValidator(definition.input),
    concurrency: concurrency ?? null,
    rateLimit: rateLimit ?? null,
    gather,
    root: definition.tasks.map((task) => task.id),
    handlers: flowHandlers,
    tasks,
    labels,
    secrets,
  }
}
