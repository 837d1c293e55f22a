/** @module Flows and their immutable revisions in D1. */
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { FlowDefinition, TriggerDefinition } from '../../flow/schema'
import { flowRevisions, flows } from './schema'

export type FlowRow = typeof flows.$inferSelect
export type RevisionRow = typeof flowRevisions.$inferSelect

/** A flow with its latest revision's definition. */
export type StoredFlow = FlowRow & Pick<RevisionRow, 'definition'>

const db = (d1: D1Database) => drizzle(d1)

/** The query of a flow with its latest revision's definition (rows of `{flow, definition}`). */
const latestQuery = (d1: D1Database, id: string) =>
  db(d1)
    .select({ flow: flows, definition: flowRevisions.definition })
    .from(flows)
    .innerJoin(flowRevisions, and(eq(flowRevisions.flowId, flows.id), eq(flowRevisions.revision, flows.latestRevision)))
    .where(eq(flows.id, id))

const stored = (row: { flow: FlowRow; definition: FlowDefinition } | undefined): StoredFlow | undefined =>
  row && { ...row.flow, definition: row.definition }

/** The flow with its latest revision's definition. */
export async function getFlow(d1: D1Database, id: string): Promise<StoredFlow | undefined> {
  return stored(await latestQuery(d1, id).get())
}

export async function getRevision(d1: D1Database, id: string, revision: number): Promise<RevisionRow | undefined> {
  return db(d1)
    .select()
    .from(flowRevisions)
    .where(and(eq(flowRevisions.flowId, id), eq(flowRevisions.revision, revision)))
    .get()
}

export async function listRevisions(d1: D1Database, id: string): Promise<RevisionRow[]> {
  return db(d1)
    .select()
    .from(flowRevisions)
    .where(eq(flowRevisions.flowId, id))
    .orderBy(desc(flowRevisions.revision))
    .all()
}

export async function listFlows(d1: D1Database, after: string | null, limit: number): Promise<StoredFlow[]> {
  const rows = await db(d1)
    .select({ flow: flows, definition: flowRevisions.definition })
    .from(flows)
    .innerJoin(flowRevisions, and(eq(flowRevisions.flowId, flows.id), eq(flowRevisions.revision, flows.latestRevision)))
    .where(after === null ? undefined : gt(flows.id, after))
    .orderBy(asc(flows.id))
    .limit(limit)
    .all()
  return rows.map((row) => ({ ...row.flow, definition: row.definition }))
}

export interface PutResult {
  flow: StoredFlow
  /** The flow as it was before, if it existed. */
  previous: StoredFlow | undefined
  created: boolean
  changed: boolean
}

/**
 * Stores a definition: a new flow gets revision 1, changed content the next revision, identical
 * content no revision (a disabled flow is enabled again). The next revision number is computed by
 * the INSERT itself and the four statements run as one D1 batch (a transaction, serialized with
 * every other write), so concurrent PUTs of one flow each get their own revision instead of racing
 * for the same number, and identical concurrent PUTs still make one revision.
 */
export async function putFlow(
  d1: D1Database,
  id: string,
  definition: FlowDefinition,
  hash: string,
  now: number,
): Promise<PutResult> {
  const database = db(d1)
  const latest = sql`(select max(${flowRevisions.revision}) from ${flowRevisions} where ${flowRevisions.flowId} = ${id})`
  // columns in the table's order: flow_id, revision, hash, definition, created_at
  const insertRevision = database
    .insert(flowRevisions)
    .select(
      sql`select ${id}, coalesce(${latest}, 0) + 1, ${hash}, ${JSON.stringify(definition)}, ${now}
          where not exists (select 1 from ${flowRevisions} where ${flowRevisions.flowId} = ${id}
            and ${flowRevisions.revision} = ${latest} and ${flowRevisions.hash} = ${hash})`,
    )
    .returning({ revision: flowRevisions.revision })
  const watches = subscribes(definition, 'execution') ? 1 : 0
  const consumes = subscribes(definition, 'queue') ? 1 : 0
  const receives = subscribes(definition, 'email') ? 1 : 0
  // columns in the table's order: id, latest_revision, enabled, created_at, updated_at, next_scheduled_at,
  // watches_executions, consumes_queues, receives_email
  const writeFlow = database
    .insert(flows)
    // `where true` keeps SQLite from reading `on conflict` as a join constraint of the select
    .select(sql`select ${id}, ${latest}, 1, ${now}, ${now}, null, ${watches}, ${consumes}, ${receives} where true`)
    .onConflictDoUpdate({
      target: flows.id,
      set: {
        latestRevision: sql`excluded.latest_revision`,
        enabled: true,
        updatedAt: now,
        watchesExecutions: sql`excluded.watches_executions`,
        consumesQueues: sql`excluded.consumes_queues`,
        receivesEmail: sql`excluded.receives_email`,
      },
      // identical content on an enabled flow changes nothing, not even updated_at
      setWhere: sql`${flows.latestRevision} <> excluded.latest_revision or not ${flows.enabled}`,
    })
  const [before, inserted, , after] = await database.batch([
    latestQuery(d1, id),
    insertRevision,
    writeFlow,
    latestQuery(d1, id),
  ])
  const previous = stored(before[0])
  // the batch has just written the flow: it is there
  const flow = stored(after[0]) as StoredFlow
  return { flow, previous, created: !previous, changed: inserted.length > 0 }
}

/** Whether a definition has a trigger of the type: the value of the type's column (subscribers.ts). */
const subscribes = (definition: FlowDefinition, type: TriggerDefinition['type']): boolean =>
  definition.triggers?.some((trigger) => trigger.type === type) ?? false

/** Disables a flow (its history stays); false when there is no such flow. */
export async function disableFlow(d1: D1Database, id: string, now: number): Promise<boolean> {
  const result = await db(d1)
    .update(flows)
    .set({ enabled: false, updatedAt: now })
    .where(eq(flows.id, id))
    .returning({ id: flows.id })
    .all()
  return result.length > 0
}

export async function setNextScheduledAt(d1: D1Database, id: string, at: number | null): Promise<void> {
  await db(d1).update(flows).set({ nextScheduledAt: at }).where(eq(flows.id, id)).run()
}
