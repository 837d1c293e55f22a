/** @module Execution summaries in D1: what the objects index (written in batches: index-batch.ts), filtered lists for the API. */
import { and, desc, eq, getTableColumns, gte, lt, lte, or, type SQL } from 'drizzle-orm'
import type { ExecutionStatus, Trigger } from '../../domain/types'
import { drizzle } from 'drizzle-orm/d1'
import { durationMs } from '../../domain/types'
import type { ExecutionRow } from '../execution/schema'
import { type ExecutionSummary, executions } from './schema'

/** The summary D1 indexes of an execution (DESIGN §1): small, versioned. */
export function summaryOf(row: ExecutionRow): ExecutionSummary {
  return {
    id: row.id,
    flowId: row.flowId,
    revision: row.revision,
    status: row.status,
    trigger: row.trigger,
    mode: row.mode,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    durationMs: durationMs(row.startedAt, row.endedAt),
    outputStatus: row.output?.status ?? null,
    errorType: row.error?.type ?? null,
    errorTaskId: row.error?.taskId ?? null,
    errorMessage: row.error?.message ?? null,
    replayOf: row.replayOf,
    parentExecutionId: row.parentExecutionId,
    version: row.version,
  }
}

export interface ExecutionFilter {
  flowId?: string | undefined
  trigger?: Trigger | undefined
  status?: ExecutionStatus | undefined
  parentId?: string | undefined
  since?: number | undefined
  until?: number | undefined
  limit: number
  cursor?: { createdAt: number; id: string } | undefined
}

/** The columns of a summary: the index's own `indexed_at` is no part of it. */
const { indexedAt: _indexedAt, ...summaryColumns } = getTableColumns(executions)

/** Newest first; the cursor is the (createdAt, id) of the last row of the previous page. */
export async function listExecutions(d1: D1Database, filter: ExecutionFilter): Promise<ExecutionSummary[]> {
  const conditions: (SQL | undefined)[] = [
    filter.flowId === undefined ? undefined : eq(executions.flowId, filter.flowId),
    filter.trigger === undefined ? undefined : eq(executions.trigger, filter.trigger),
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
    .select(summaryColumns)
    .from(executions)
    .where(and(...conditions))
    .orderBy(desc(executions.createdAt), desc(executions.id))
    .limit(filter.limit)
    .all()
}
