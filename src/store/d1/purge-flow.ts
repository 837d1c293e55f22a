/**
 * @module Deleting a flow for good: its row, every revision and its stored tests, refused while an execution of it
 * has not ended (by the index). Executions that ended stay until their retention is over.
 */
import { and, eq, notInArray } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { FINAL_EXECUTION } from '../../core/transitions'
import { executions, flowRevisions, flows, flowTests } from './schema'

export type PurgeResult =
  | { ok: true }
  | { ok: false; code: 'not_found' }
  /** `executionId`: one of the executions that have not ended. */
  | { ok: false; code: 'not_final'; executionId: string }

export async function purgeFlow(d1: D1Database, id: string): Promise<PurgeResult> {
  const db = drizzle(d1)
  const found = await db.select({ id: flows.id }).from(flows).where(eq(flows.id, id)).get()
  if (!found) return { ok: false, code: 'not_found' }
  const unfinished = await db
    .select({ id: executions.id })
    .from(executions)
    .where(and(eq(executions.flowId, id), notInArray(executions.status, [...FINAL_EXECUTION])))
    .limit(1)
    .get()
  if (unfinished) return { ok: false, code: 'not_final', executionId: unfinished.id }
  await db.batch([
    db.delete(flowRevisions).where(eq(flowRevisions.flowId, id)),
    db.delete(flowTests).where(eq(flowTests.flowId, id)),
    db.delete(flows).where(eq(flows.id, id)),
  ])
  return { ok: true }
}
