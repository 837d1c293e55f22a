/** @module Execution summaries in D1: versioned upserts from the objects, filtered lists for the API. */
import { and, desc, eq, getTableColumns, gte, lt, lte, or, type SQL, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { type ExecutionSummary, executions } from './schema'

/** Writes a summary unless D1 already has the same or a newer version of it. */
export async function upsertSummary(d1: D1Database, summary: ExecutionSummary): Promise<void> {
  const { id: _id, ...fields } = getTableColumns(executions)
  const set = Object.fromEntries(Object.entries(fields).map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]))
  await drizzle(d1)
    .insert(executions)
    .values(summary)
    .onConflictDoUpdate({ target: executions.id, set, setWhere: sql`excluded.version > ${executions.version}` })
    .run()
}

export interface ExecutionFilter {
  flowId?: string | undefined
  status?: string | undefined
  parentId?: string | undefined
  since?: number | undefined
  until?: number | undefined
  limit: number
  cursor?: { createdAt: number; id: string } | undefined
}

/** Newest first; the cursor is the (createdAt, id) of the last row of the previous page. */
export async function listExecutions(d1: D1Database, filter: ExecutionFilter): Promise<ExecutionSummary[]> {
  const conditions: (SQL | undefined)[] = [
    filter.flowId === undefined ? undefined : eq(executions.flowId, filter.flowId),
    filter.status === undefined ? undefined : eq(executions.status, filter.status),
    filter.parentId === undefined ? undefined : eq(executions.parentExecutionId, filter.parentId),
    filter.since === undefined ? undefined : gte(executions.createdAt, filter.since),
    filter.until === undefined ? undefined : lte(executions.createdAt, filter.until),
    filter.cursor === undefined
      ? undefined
      : or(
          lt(executions.createdAt, filter.cursor.createdAt),
          and(eq(executions.createdAt, filter.cursor.createdAt), lt(executions.id, filter.cursor.id)),
        ),
  ]
  return drizzle(d1)
    .select()
    .from(executions)
    .where(and(...conditions))
    .orderBy(desc(executions.createdAt), desc(executions.id))
    .limit(filter.limit)
    .all()
}
