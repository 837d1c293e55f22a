/** @module Starting executions in their own objects: from triggers, from parent flows, from replays. */
import type { ChildRequest } from '../actions/define'
import { getRevision } from '../store/d1/flows'
import { latestFlow } from '../store/d1/latest-flow'
import type { Env } from '../env'
import type { FlowDefinition } from '../flow/schema'
import { TaskFailure } from '../domain/errors'
import type { StartRequest, StartResult } from './execution-object'
import { childExecutionId } from '../domain/ids'
import type { ChildStarted } from '../runtime/executor'
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
  const definition = await childDefinition(env, request)
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

async function childDefinition(
  env: Env,
  request: ChildRequest,
): Promise<{ revision: number; definition: FlowDefinition }> {
  if (request.revision !== undefined) {
    const row = await getRevision(env.DB, request.flowId, request.revision)
    if (!row) throw new TaskFailure('validation_error', `flow ${request.flowId} has no revision ${request.revision}`)
    return { revision: row.revision, definition: row.definition as FlowDefinition }
  }
  const flow = await latestFlow(env.DB, request.flowId)
  if (!flow?.enabled) throw new TaskFailure('validation_error', `flow ${request.flowId} does not exist or is disabled`)
  return { revision: flow.latestRevision, definition: flow.definition }
}

/** Tells the parent execution that this child ended. */
export async function notifyParent(env: Env, row: ExecutionRow): Promise<void> {
  if (!row.parentExecutionId || row.parentTaskRunId === null) return
  const { accepted } = await executionStub(env, row.parentExecutionId).childEnded(row.parentTaskRunId, {
    executionId: row.id,
    status: row.status,
    output: row.output,
    error: row.error,
  })
  if (!accepted) throw new TaskFailure('internal', 'the parent task has not recorded this child yet')
}
