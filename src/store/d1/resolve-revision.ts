/**
 * @module The revision a new execution of a flow runs when no trigger of the flow starts it (a
 * `subflow` task, a replay): the one asked for, or the latest.
 */
import type { FlowDefinition } from '../../flow/schema'
import { getRevision } from './flows'
import { latestFlow, type LatestOptions } from './latest-flow'

export type ResolvedRevision =
  | { ok: true; revision: number; definition: FlowDefinition }
  | { ok: false; code: 'no_flow' | 'disabled' | 'no_revision'; message: string }

/**
 * A disabled flow starts nothing, whichever revision is asked for. Disabling (`DELETE
 * /api/flows/:id`) is how an operator stops a flow: its triggers answer 404, and a parent pinned
 * to one of its revisions, or a replay of one of its executions, must not get around that. A PUT
 * enables it again. The flow is read through the isolate's cache, as triggers read it.
 */
export async function resolveRevision(
  d1: D1Database,
  flowId: string,
  revision: number | undefined,
  refreshLater?: LatestOptions['refreshLater'],
): Promise<ResolvedRevision> {
  const flow = await latestFlow(d1, flowId, refreshLater ? { refreshLater } : {})
  if (!flow) return { ok: false, code: 'no_flow', message: `flow ${flowId} does not exist` }
  if (!flow.enabled) {
    return { ok: false, code: 'disabled', message: `flow ${flowId} is disabled (a PUT of it enables it again)` }
  }
  if (revision === undefined || revision === flow.latestRevision) {
    return { ok: true, revision: flow.latestRevision, definition: flow.definition }
  }
  const row = await getRevision(d1, flowId, revision)
  if (!row) return { ok: false, code: 'no_revision', message: `flow ${flowId} has no revision ${revision}` }
  return { ok: true, revision: row.revision, definition: row.definition }
}
