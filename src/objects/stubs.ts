/** @module Starting executions in their own objects: from triggers, from parent flows, from replays. */
import type { ChildRequest } from '../actions/define'
import { resolveRevision } from '../store/d1/resolve-revision'
import type { Env } from '../env'
import { TaskFailure } from '../domain/errors'
import type { ChildEnded, ChildStarted, StartRequest, StartResult } from './contract'
import { childExecutionId } from '../domain/ids'
import type { ExecutionRow } from '../store/execution/schema'
import type { ExecutionInput, Trigger } from '../domain/types'

/** How deep subflows may nest. */
export const MAX_DEPTH = 10

export const executionStub = (env: Env, executionId: string) =>
  env.EXECUTIONS.get(env.EXECUTIONS.idFromName(executionId))

export const launch = (env: Env, request: StartRequest): Promise<StartResult> =>
  executionStub(env, request.executionId).start(request)

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

/** Starts the child of a `subflow` task; the same parent attempt always names the same child. */
export async function startChild(
  env: Env,
  parent: ExecutionRow,
  taskRunId: number,
  attempt: number,
  request: ChildRequest,
): Promise<ChildStarted> {
  if (parent.depth + 1 > MAX_DEPTH) {
    throw new TaskFailure('validation_error', `subflows may nest ${MAX_DEPTH} deep at most`)
  }
  const definition = await resolveRevision(env.DB, request.flowId, request.revision)
  if (!definition.ok) throw new TaskFailure('validation_error', definition.message)
  const result = await launch(env, {
    executionId: await childExecutionId(parent.id, taskRunId, attempt),
    flowId: request.flowId,
    revision: definition.revision,
    definition: definition.definition,
    trigger: 'subflow',
    input: triggerInput('subflow', request.body, Date.now()),
    parent: { executionId: parent.id, taskRunId, depth: parent.depth + 1 },
  })
  if (!result.ok) throw new TaskFailure('internal', result.message)
  return { executionId: result.executionId, status: result.status, output: result.output }
}

/** Tells the parent execution that this child ended. */
export async function notifyParent(env: Env, row: ExecutionRow): Promise<void> {
  if (!row.parentExecutionId || row.parentTaskRunId === null) return
  const notice: ChildEnded = { executionId: row.id, status: row.status, output: row.output, error: row.error }
  const { accepted } = await executionStub(env, row.parentExecutionId).childEnded(row.parentTaskRunId, notice)
  if (!accepted) throw new TaskFailure('internal', 'the parent task has not recorded this child yet')
}
