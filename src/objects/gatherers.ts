/** @module Reaching the gatherer of a (flow, key) (objects/gatherer-object.ts): a trigger of a flow that debounces or batches. */
import type { ExecutionInput } from '../domain/types'
import type { Env } from '../env'
import type { CompiledFlow } from '../flow/compile'
import { keyOf } from '../flow/flow-control'
import { objectName } from './coordinators'
import type { Jurisdiction } from '../flow/placement'
import { placedNamespace } from './placed-ids'
import type { GatherAnswer } from './gatherer-object'

/**
 * The gatherer object of a flow's key (its kind in the name: a flow that turns from debounce to
 * batch starts afresh), in the flow's jurisdiction: it holds the inputs until their execution starts.
 */
export async function gathererOf(env: Env, flowId: string, kind: string, key: string, jurisdiction?: Jurisdiction) {
  const namespace = placedNamespace(env.GATHERERS, jurisdiction)
  return namespace.get(namespace.idFromName(`${kind}:${await objectName(flowId, key)}`))
}

/**
 * Gathers a trigger of `flow` into the window of its key; null when the flow gathers nothing (each
 * trigger starts its own execution). `triggerId` names a trigger its caller may send again.
 */
export async function gather(
  env: Env,
  flow: CompiledFlow,
  input: ExecutionInput,
  triggerId: string | null,
): Promise<GatherAnswer | null> {
  const gathering = flow.gather
  if (!gathering || flow.flowId === null) return null
  const key = await keyOf(gathering.key, input, { id: '', flowId: flow.flowId, revision: flow.revision })
  const { jurisdiction } = flow.definition.placement ?? {}
  const gatherer = await gathererOf(env, flow.flowId, gathering.policy.kind, key, jurisdiction)
  return gatherer.add({ flowId: flow.flowId, policy: gathering.policy, input, triggerId, jurisdiction })
}
