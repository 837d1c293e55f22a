/** @module Reaching the flow-control objects: the concurrency coordinator of a (flow, key), the rate limiter of a (flow, key). */
import type { AcquireAnswer, RateDecision, SlotRef } from '../core/admission'
import { sha256 } from '../domain/ids'
import type { Env } from '../env'
import type { CompiledFlow } from '../flow/compile'
import { keyOf, priorityOf } from '../flow/flow-control'
import type { ExecutionInput } from '../domain/types'

/** The name of the object of a flow's key: the key hashed, so that any value makes a name of bounded size. */
export const objectName = async (flowId: string, key: string) => `${flowId}:${await sha256(key)}`

const coordinator = (env: Env, name: string) => env.COORDINATORS.get(env.COORDINATORS.idFromName(name))

/** The slot an execution of `flow` needs, by its key over `input` (null: the flow has no concurrency limit, or the run no flow). */
export async function slotOf(
  flow: CompiledFlow,
  execution: { id: string; revision: number },
  input: ExecutionInput,
): Promise<SlotRef | null> {
  const limit = flow.concurrency
  if (!limit || flow.flowId === null) return null
  const key = await keyOf(limit.key, input, { ...execution, flowId: flow.flowId })
  const priority = await priorityOf(limit.priority, input, { ...execution, flowId: flow.flowId })
  return {
    coordinator: await objectName(flow.flowId, key),
    limit: limit.limit,
    onLimit: limit.onLimit,
    ...(priority === 0 ? {} : { priority }),
  }
}

export const acquireSlot = (env: Env, slot: SlotRef, executionId: string): Promise<AcquireAnswer> =>
  coordinator(env, slot.coordinator).acquire(executionId, slot.limit, slot.onLimit, slot.priority ?? 0)

export const releaseSlot = (env: Env, slot: SlotRef, executionId: string): Promise<void> =>
  coordinator(env, slot.coordinator).release(executionId)

export const coordinatorOf = coordinator

/** Counts one trigger of `flow` against its rate limit, by its key over `input` (allowed when the flow has none). */
export async function hitRateLimit(env: Env, flow: CompiledFlow, input: ExecutionInput): Promise<RateDecision> {
  const rate = flow.rateLimit
  if (!rate || flow.flowId === null) return { allowed: true }
  const key = await keyOf(rate.key, input, { id: '', flowId: flow.flowId, revision: flow.revision })
  const name = await objectName(flow.flowId, key)
  return env.RATE_LIMITERS.get(env.RATE_LIMITERS.idFromName(name)).hit(rate.limit, rate.periodMs)
}
