/** @module Execution summaries in D1: what the objects index (written in batches: index-batch.ts), filtered lists for the API. */
import { and, desc, eq, exists, getTableColumns, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import { alias, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { ExecutionStatus, Trigger } from '../../domain/types'
import { drizzle } from 'drizzle-orm/d1'
import { durationMs } from '../../domain/types'
import type { ExecutionRow } from '../execution/schema'
import type { LabelFilter } from '../../domain/labels'
import { executionLabels, type ExecutionSummary, executions } from './schema'

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
    labels: Object.keys(row.labels).length === 0 ? null : row.labels,
    reactsTo: row.reactsTo,
    reactionDepth: row.reactionDepth,
    version: row.version,
  }
}

export interface ExecutionFilter {
  flowId?: string | undefined
  trigger?: Trigger | undefined
  status?: ExecutionStatus | undefined
  parentId?: string | undefined
  replayOf?: string | undefined
  /** The id starts with it. */
  idPrefix?: string | undefined
  /** In the error's message, type or task id. */
  error?: string | undefined
  since?: number | undefined
  until?: number | undefined
  /** Every one must match. */
  labels?: LabelFilter[] | undefined
  limit: number
  cursor?: { createdAt: number; id: string } | undefined
}

/** The columns of a summary: the index's own `indexed_at` is no part of it. */
const { indexedAt: _indexedAt, ...summaryColumns } = getTableColumns(executions)

/**
 * Newest first; the cursor is the (createdAt, id) of the last row of the previous page. Filtered by
 * labels, the first label's index rows drive the query — in the list's order, from the cursor on —
 * and every other label is one lookup of its execution's row by primary key.
 */
export async function listExecutions(d1: D1Database, filter: ExecutionFilter): Promise<ExecutionSummary[]> {
  const rows = await listQuery(d1, filter).all()
  return rows.map((row) => row.execution)
}

/** The query of a list (exported for its query plan's test). */
export function listQuery(d1: D1Database, filter: ExecutionFilter) {
  const [first, ...others] = filter.labels ?? []
  const db = drizzle(d1)
  const conditions = executionConditions(filter)
  if (!first) {
    return db
      .select({ execution: summaryColumns })
      .from(executions)
      .where(and(...conditions, cursorAfter(executions.createdAt, executions.id, filter.cursor)))
      .orderBy(desc(executions.createdAt), desc(executions.id))
      .limit(filter.limit)
  }
  const driving = alias(executionLabels, 'driving')
  const also = alias(executionLabels, 'also')
  const carries = (label: LabelFilter) =>
    exists(
      db
        .select({ one: also.key })
        .from(also)
        .where(and(eq(also.executionId, driving.executionId), eq(also.key, label.key), eq(also.value, label.value))),
    )
  return db
    .select({ execution: summaryColumns })
    .from(driving)
    .innerJoin(executions, eq(executions.id, driving.executionId))
    .where(
      and(
        eq(driving.key, first.key),
        eq(driving.value, first.value),
        cursorAfter(driving.createdAt, driving.executionId, filter.cursor),
        ...conditions,
        ...others.map(carries),
      ),
    )
    .orderBy(desc(driving.createdAt), desc(driving.executionId))
    .limit(filter.limit)
}

function executionConditions(filter: ExecutionFilter): (SQL | undefined)[] {
  return [
    filter.flowId === undefined ? undefined : eq(executions.flowId, filter.flowId),
    filter.trigger === undefined ? undefined : eq(executions.trigger, filter.trigger),
    filter.status === undefined ? undefined : eq(executions.status, filter.status),
    filter.parentId === undefined ? undefined : eq(executions.parentExecutionId, filter.parentId),
    filter.replayOf === undefined ? undefined : eq(executions.replayOf, filter.replayOf),
    filter.idPrefix === undefined ? undefined : like(executions.id, `${escapeLike(filter.idPrefix)}%`),
    filter.error === undefined ? undefined : errorContains(`%${escapeLike(filter.error)}%`),
    filter.since === undefined ? undefined : gte(executions.createdAt, filter.since),
    filter.until === undefined ? undefined : lte(executions.createdAt, filter.until),
  ]
}

/** A LIKE pattern matching `text` literally: its `%`, `_` and `\` escaped by `\`. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`)

const like = (column: AnySQLiteColumn, pattern: string) => sql`${column} LIKE ${pattern} ESCAPE '\\'`

const errorContains = (pattern: string) =>
  or(like(executions.errorMessage, pattern), like(executions.errorType, pattern), like(executions.errorTaskId, pattern))

/** Rows after the cursor in the list's order (newest first, then by id). */
function cursorAfter(
  createdAt: AnySQLiteColumn,
  id: AnySQLiteColumn,
  cursor: ExecutionFilter['cursor'],
): SQL | undefined {
  if (cursor === undefined) return undefined
  return or(lt(createdAt, cursor.createdAt), and(eq(createdAt, cursor.createdAt), lt(id, cursor.id)))
}
