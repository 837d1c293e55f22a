/** @module The test cases stored with a flow (docs/testing-flows.md, Tests stored with a flow), in D1. */
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { flowTests } from './schema'

export type StoredTestsRow = typeof flowTests.$inferSelect

export async function getFlowTests(d1: D1Database, flowId: string): Promise<StoredTestsRow | undefined> {
  return drizzle(d1).select().from(flowTests).where(eq(flowTests.flowId, flowId)).get()
}

/** Stores a flow's cases in place of those it had. */
export async function putFlowTests(d1: D1Database, flowId: string, cases: unknown[], now: number): Promise<void> {
  await drizzle(d1)
    .insert(flowTests)
    .values({ flowId, cases, updatedAt: now })
    .onConflictDoUpdate({ target: flowTests.flowId, set: { cases, updatedAt: now } })
}

/** Deletes a flow's cases; false when it had none. */
export async function deleteFlowTests(d1: D1Database, flowId: string): Promise<boolean> {
  const deleted = await drizzle(d1)
    .delete(flowTests)
    .where(eq(flowTests.flowId, flowId))
    .returning({ flowId: flowTests.flowId })
  return deleted.length > 0
}
