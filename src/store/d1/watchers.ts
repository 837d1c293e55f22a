/**
 * @module The flows that react to executions (an `execution` trigger in their latest revision), as
 * the index queue's consumer matches every ended execution against them. Cached in the isolate like
 * the latest flows (latest-flow.ts): one D1 read — an index lookup of the watching flows alone —
 * per `LATEST_TTL_MS` at most, never one per execution. A PUT or DELETE in this isolate forgets the
 * cache at once; other isolates notice within the TTL.
 */
import { and, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Watcher } from '../../flow/reactions'
import { LATEST_TTL_MS } from './latest-flow'
import { flowRevisions, flows } from './schema'

let cached: { checkedAt: number; watchers: Promise<Watcher[]> } | null = null

export function watchingFlows(d1: D1Database, now = Date.now()): Promise<Watcher[]> {
  if (cached && now - cached.checkedAt < LATEST_TTL_MS) return cached.watchers
  const watchers = read(d1)
  cached = { checkedAt: now, watchers }
  // a failed read is not remembered: the next batch reads again
  watchers.catch(() => {
    if (cached?.watchers === watchers) cached = null
  })
  return watchers
}

/** A flow was written or deleted in this isolate: the next batch reads the watching flows again. */
export function forgetWatchers(): void {
  cached = null
}

/** The enabled watching flows with their latest definitions: a lookup of the `flows_watching` index (exported for its plan's test). */
export const watchersQuery = (d1: D1Database) =>
  drizzle(d1)
    .select({ flowId: flows.id, revision: flows.latestRevision, definition: flowRevisions.definition })
    .from(flows)
    .innerJoin(flowRevisions, and(eq(flowRevisions.flowId, flows.id), eq(flowRevisions.revision, flows.latestRevision)))
    .where(and(eq(flows.watchesExecutions, true), eq(flows.enabled, true)))

async function read(d1: D1Database): Promise<Watcher[]> {
  const rows = await watchersQuery(d1).all()
  return rows.map((row) => ({
    ...row,
    triggers: (row.definition.triggers ?? []).flatMap((trigger) => (trigger.type === 'execution' ? [trigger] : [])),
  }))
}
