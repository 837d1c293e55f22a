/** @module Starting executions in their own objects: from triggers, from parent flows, from replays. */
import type { ChildRequest } from '../actions/define'
import { resolveRevision } from '../store/d1/resolve-revision'
import type { Env } from '../env'
import { InvariantViolated, TaskFailure, unreachable } from '../domain/errors'
import type { ChildEnded, ChildStarted, StartRequest, StartResult, TestRunRequest, TestRunResult } from './contract'
import { executionIdShape } from '../domain/ids'
import { parseTraceparent, type TraceRoot } from '../domain/trace-context'
import type { ExecutionRow } from '../store/execution/schema'
import type { ExecutionInput, Trigger } from '../domain/types'
import type { Jurisdiction } from '../flow/placement'
import { childExecutionId } from './placed-ids'

/** How deep subflows may nest. */
export const MAX_DEPTH = 10

/**
 * The object of an execution id, picked by the id's shape (domain/ids.ts): a unique id from its own
 * text, a UUID by name. Null when no execution can have the id — malformed, or 64 hex digits that
 * this namespace did not make (`idFromString` throws on those, which is the answer: not found).
 */
export function executionObjectId(env: Env, executionId: string): DurableObjectId | null {
  const shape = executionIdShape(executionId)
  switch (shape) {
    case 'unique':
      try {
        return env.EXECUTIONS.idFromString(executionId)
      } catch {
        return null
      }
    case 'named':
      return env.EXECUTIONS.idFromName(executionId)
    case null:
      return null
    default:
      return unreachable(shape)
  }
}

/** The stub of an execution id this system made (a malformed one is a bug: InvariantViolated). */
export function executionStub(env: Env, executionId: string, options?: DurableObjectNamespaceGetDurableObjectOptions) {
  const id = executionObjectId(env, executionId)
  if (!id) throw new InvariantViolated(`${executionId} is not an execution id`)
  return env.EXECUTIONS.get(id, options)
}

/**
 * Starts an execution in its object, created where the flow's placement asks (a hint only counts
 * when the object is created: a start that finds its execution changes nothing).
 */
export function launch(env: Env, request: StartRequest): Promise<StartResult> {
  const locationHint = (request.definition.placement ?? request.placement)?.locationHint
  return executionStub(env, request.executionId, locationHint ? { locationHint } : undefined).start(request)
}

/** Runs one flow test case in the fresh object `request.executionId` (docs/testing-flows.md). */
export const runTest = (env: Env, request: TestRunRequest): Promise<TestRunResult> =>
  executionStub(env, request.executionId).runTest(request)

/** The input of an execution that no HTTP request started. */
export function triggerInput(trigger: Trigger, body: unknown, now: number): ExecutionInput {
  return {
    headers: {},
    body,
    metadata: {
      trigger,
      method: null,
      path: null,
      query: {},
      ip: null,
      userAgent: null,
      country: null,
      colo: null,
      receivedAt: new Date(now).toISOString(),
    },
  }
}

/**
 * Starts the child of a `subflow` task under the id its attempt recorded before this call: the same
 * attempt, run again after a restart, finds the same child (in its own flow's jurisdiction,
 * objects/placed-ids.ts).
 */
export async function startChild(
  env: Env,
  parent: ExecutionRow,
  parentJurisdiction: Jurisdiction | undefined,
  taskRunId: number,
  childId: string,
  request: ChildRequest,
  waitUntil: (work: Promise<unknown>) => void,
): Promise<ChildStarted> {
  if (parent.depth + 1 > MAX_DEPTH) {
    throw new TaskFailure('validation_error', `subflows may nest ${MAX_DEPTH} deep at most`)
  }
  const definition = await resolveRevision(env.DB, request.flowId, request.revision, waitUntil)
  if (!definition.ok) throw new TaskFailure('validation_error', definition.message)
  const result = await launch(env, {
    executionId: childExecutionId(env, childId, definition.definition.placement?.jurisdiction, parentJurisdiction),
    flowId: request.flowId,
    revision: definition.revision,
    definition: definition.definition,
    trigger: 'subflow',
    input: triggerInput('subflow', request.body, Date.now()),
    parent: { executionId: parent.id, taskRunId, depth: parent.depth + 1 },
    ...(parent.definition.placement ? { placement: parent.definition.placement } : {}),
    ...traceOf(request.trace),
  })
  if (!result.ok) throw new TaskFailure('internal', result.message)
  return { executionId: result.executionId, status: result.status, output: result.output }
}

/** The `trace` of a start request from the trace headers an attempt sends on (none: tracing is off). */
export function traceOf(headers: Record<string, string | undefined> | undefined): { trace?: TraceRoot } {
  const trace = parseTraceparent(headers?.traceparent, headers?.tracestate)
  return trace ? { trace } : {}
}

/** Tells the parent execution that this child ended. */
export async function notifyParent(env: Env, row: ExecutionRow): Promise<void> {
  if (!row.parentExecutionId || row.parentTaskRunId === null) return
  const notice: ChildEnded = { executionId: row.id, status: row.status, output: row.output, error: row.error }
  const { accepted } = await executionStub(env, row.parentExecutionId).childEnded(row.parentTaskRunId, notice)
  if (!accepted) throw new TaskFailure('internal', 'the parent task has not recorded this child yet')
}
