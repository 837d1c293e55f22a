/** @module Flows and their immutable revisions in D1. */
import { and, asc, desc, eq, gt } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { FlowDefinition } from '../../flow/schema'
import { flowRevisions, flows } from './schema'

export type FlowRow = typeof flows.$inferSelect
export type RevisionRow = typeof flowRevisions.$inferSelect

/** A flow with its latest revision's definition. */
export type StoredFlow = FlowRow & Pick<RevisionRow, 'definition'>

const db = (d1: D1Database) => drizzle(d1)

/** The flow with its latest revision's definition. */
export async function getFlow(d1: D1Database, id: string): Promise<StoredFlow | undefined> {
  const row = await db(d1)
    .select({ flow: flows, definition: flowRevisions.definition })
    .from(flows)
    .innerJoin(flowRevisions, and(eq(flowRevisions.flowId, flows.id), eq(flowRevisions.revision, flows.latestRevision)))
    .where(eq(flows.id, id))
    .get()
  return row && { ...row.flow, definition: row.definition }
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
 * Stores a definition: a new flow gets revision 1, changed content the next revision,
 * identical content no revision (a disabled flow is enabled again). Revision and flow row
 * are written in one batch, so a racing writer fails on the revision's primary key.
 */
export async function putFlow(
  d1: D1Database,
  id: string,
  definition: FlowDefinition,
  hash: string,
  now: number,
): Promise<PutResult> {
  const existing = await getFlow(d1, id)
  const latest = existing && (await getRevision(d1, id, existing.latestRevision))
  if (existing && latest?.hash === hash) {
    if (!existing.enabled)
      await db(d1).update(flows).set({ enabled: true, updatedAt: now }).where(eq(flows.id, id)).run()
    return { flow: { ...existing, enabled: true }, previous: existing, created: false, changed: false }
  }
  const revision = (existing?.latestRevision ?? 0) + 1
  const database = db(d1)
  const insertRevision = database
    .insert(flowRevisions)
    .values({ flowId: id, revision, hash, definition, createdAt: now })
  const row: FlowRow = existing
    ? { ...existing, latestRevision: revision, enabled: true, updatedAt: now }
    : { id, latestRevision: revision, enabled: true, createdAt: now, updatedAt: now, nextScheduledAt: null }
  const writeFlow = existing
    ? database.update(flows).set({ latestRevision: revision, enabled: true, updatedAt: now }).where(eq(flows.id, id))
    : database.insert(flows).values(row)
  await database.batch([insertRevision, writeFlow])
  return { flow: { ...row, definition }, previous: existing, created: !existing, changed: true }
}

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
