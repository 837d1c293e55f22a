/**
 * @module What one execution's routes and the bulk routes share: reaching its object, the answers
 * it refuses with, and the operations (kill, delete, replay) as values or `ApiError`s.
 */
import { resolveRevision } from '../store/d1/resolve-revision'
import { executionObjectId } from '../objects/stubs'
import { newExecutionId } from '../objects/placed-ids'
import type { Failure } from '../objects/contract'
import type { ExecutionStatus } from '../domain/types'
import type { Env } from '../env'
import { ApiError } from './errors'
import { EXECUTION_HEADER } from './accepted'

/** 404 for an execution id, which the answer still names. */
export const missing = (id: string) =>
  new ApiError({
    status: 404,
    code: 'not_found',
    message: `execution ${id} not found`,
    headers: { [EXECUTION_HEADER]: id },
  })

/** The object of an execution id; a malformed id is simply not found, and no object is reached. */
export function stubOf(env: Env, id: string) {
  const objectId = executionObjectId(env, id)
  if (!objectId) throw missing(id)
  return env.EXECUTIONS.get(objectId)
}

/** Why the object refused a request: 404, or 409 with its reason. */
export function refused(id: string, failure: Failure): never {
  if (failure.code === 'not_found') throw missing(id)
  throw new ApiError({
    status: 409,
    code: failure.code === 'not_final' ? 'not_final' : 'conflict',
    message: failure.message,
    headers: { [EXECUTION_HEADER]: id },
  })
}

/** kill, pause or resume: the status afterwards. */
export async function control(env: Env, id: string, action: 'kill' | 'pause' | 'resume'): Promise<ExecutionStatus> {
  const result = await stubOf(env, id)[action]()
  if (!result.ok) refused(id, result)
  return result.status
}

/** Deletes a final execution for good (409 `not_final` while it runs). */
export async function remove(env: Env, id: string): Promise<void> {
  const result = await stubOf(env, id).remove()
  if (!result.ok) refused(id, result)
}

/** The revision a replay runs, with its definition. */
export type ReplayRevision = Awaited<ReturnType<typeof replayRevision>>

/**
 * The revision a replay runs: the one asked for, or the flow's latest. A replay is a new execution
 * of the flow, so a disabled flow refuses it as it refuses a subflow (see resolveRevision): 409,
 * since a PUT of the flow enables it again. A flow deleted for good, or a revision it never had: 400.
 */
export async function replayRevision(env: Env, flowId: string, revision: number | undefined) {
  const resolved = await resolveRevision(env.DB, flowId, revision)
  if (resolved.ok) return { revision: resolved.revision, definition: resolved.definition }
  const { code, message } = resolved
  if (code === 'disabled') throw new ApiError({ status: 409, code: 'conflict', message })
  const issues = code === 'no_revision' ? [{ path: 'revision', message: 'no such revision' }] : undefined
  throw new ApiError({ status: 400, code: 'invalid_request', message, issues })
}

/**
 * Replays an execution that ended as a new one: from `fromTaskId` (default: where it failed), on
 * the revision `revisionOf` gives for its flow (the bulk route asks D1 once per flow).
 */
export async function replay(
  env: Env,
  id: string,
  fromTaskId: string | undefined,
  revisionOf: (flowId: string) => Promise<ReplayRevision>,
) {
  const stub = stubOf(env, id)
  const owner = await stub.flowId()
  if (owner === null) throw missing(id)
  const { flowId } = owner
  if (flowId === null)
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: `execution ${id} is an ad-hoc run of no stored flow: run it again with POST /api/executions`,
    })
  const revision = await revisionOf(flowId)
  const executionId = newExecutionId(env, revision.definition.placement?.jurisdiction)
  const result = await stub.replay({ executionId, ...revision, fromTaskId })
  if (!result.ok) {
    if (result.code === 'invalid')
      throw new ApiError({
        status: 400,
        code: 'invalid_request',
        message: result.message,
        issues: [{ path: 'fromTaskId', message: result.message }],
      })
    refused(id, result)
  }
  return { ...result, revision: revision.revision }
}
