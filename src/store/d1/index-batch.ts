/**
 * @module The index written in batches: the messages the execution objects send through the index
 * queue, and the few statements that apply a whole batch of them to D1 — one upsert for every
 * summary (the batch travels as one JSON parameter: D1 binds at most 100 per statement), one for
 * the label rows of the labelled ones, and, when the batch deletes, the tombstones and deletions
 * that come before them, all in one transaction.
 */
import { getTableColumns } from 'drizzle-orm'
import { FINAL_EXECUTION } from '../../core/transitions'
import { type ExecutionSummary, executions } from './schema'

/** A summary to index, or an execution deleted for good (`createdAt` names which incarnation). */
export type IndexMessage =
  { kind: 'upsert'; summary: ExecutionSummary } | { kind: 'delete'; id: string; createdAt: number }

export type Deletion = Extract<IndexMessage, { kind: 'delete' }>

/** How long a tombstone is kept: longer than a message can stay in the queue (14 days at most). */
export const TOMBSTONE_MS = 15 * 24 * 3_600_000

export const upsertMessage = (summary: ExecutionSummary): IndexMessage => ({ kind: 'upsert', summary })

export const deleteMessage = (id: string, createdAt: number): IndexMessage => ({ kind: 'delete', id, createdAt })

/** Whether summary `a` is newer than `b`: a later incarnation of the id, else a higher version. */
const newer = (a: ExecutionSummary, b: ExecutionSummary) =>
  a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.version > b.version)

/**
 * What a batch leaves to write (pure): the newest summary of each execution, and the latest
 * deletion of each; a summary of an incarnation the batch deletes is dropped.
 */
export function latestPerExecution(messages: readonly IndexMessage[]): {
  upserts: ExecutionSummary[]
  deletes: Deletion[]
} {
  const summaries = new Map<string, ExecutionSummary>()
  const deletes = new Map<string, Deletion>()
  for (const message of messages) {
    if (message.kind === 'upsert') {
      const known = summaries.get(message.summary.id)
      if (!known || newer(message.summary, known)) summaries.set(message.summary.id, message.summary)
    } else {
      const known = deletes.get(message.id)
      if (!known || message.createdAt > known.createdAt) deletes.set(message.id, message)
    }
  }
  const upserts = [...summaries.values()].filter(
    (summary) => summary.createdAt > (deletes.get(summary.id)?.createdAt ?? Number.NEGATIVE_INFINITY),
  )
  return { upserts, deletes: [...deletes.values()] }
}

/** The columns a summary fills (`indexed_at` is the index's own: the time of the write, ?2). */
const columns = Object.entries(getTableColumns(executions))
  .filter(([key]) => key !== 'indexedAt')
  .map(([key, column]) => ({ key, name: column.name }))

/**
 * Inserts or updates every summary of the JSON array bound to it, unless D1 holds a newer one or a
 * tombstone of that incarnation (SQLite wants the `WHERE` of an `INSERT … SELECT` before `ON CONFLICT`).
 */
const UPSERT = `INSERT INTO executions (${columns.map((column) => column.name).join(', ')}, indexed_at)
SELECT ${columns.map((column) => `json_extract(each.value, '$.${column.key}')`).join(', ')}, ?2
FROM json_each(?1) AS each
WHERE NOT EXISTS (SELECT 1 FROM execution_tombstones AS dead
  WHERE dead.id = json_extract(each.value, '$.id') AND dead.created_at >= json_extract(each.value, '$.createdAt'))
ON CONFLICT (id) DO UPDATE SET ${columns
  .filter((column) => column.key !== 'id')
  .map((column) => `${column.name} = excluded.${column.name}`)
  .join(', ')}, indexed_at = excluded.indexed_at
WHERE excluded.created_at > executions.created_at
  OR (excluded.created_at = executions.created_at AND excluded.version > executions.version)`

const TOMBSTONES = `INSERT INTO execution_tombstones (id, created_at, deleted_at)
SELECT json_extract(value, '$.id'), json_extract(value, '$.createdAt'), ?2 FROM json_each(?1) WHERE true
ON CONFLICT (id) DO UPDATE SET created_at = max(created_at, excluded.created_at), deleted_at = excluded.deleted_at`

const DELETE_ROWS = `DELETE FROM executions
WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1))
  AND created_at <= (SELECT dead.created_at FROM execution_tombstones AS dead WHERE dead.id = executions.id)`

/** The label rows of the deleted executions, unless a newer incarnation of the id is indexed. */
const DELETE_LABELS = `DELETE FROM execution_labels
WHERE execution_id IN (SELECT json_extract(value, '$.id') FROM json_each(?1))
  AND NOT EXISTS (SELECT 1 FROM executions WHERE executions.id = execution_labels.execution_id)`

/**
 * The label rows of the executions bound, from the summaries the upsert kept (an older one that
 * came late changes nothing). Labels are only added or changed while an execution runs, and its
 * deletion removes its rows: nothing else can leave a stale one. An unchanged row is not written.
 */
const UPSERT_LABELS = `INSERT INTO execution_labels (execution_id, key, value, created_at)
SELECT indexed.id, label.key, label.value, indexed.created_at
FROM executions AS indexed, json_each(indexed.labels) AS label
WHERE indexed.id IN (SELECT value FROM json_each(?1))
ON CONFLICT (execution_id, key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at
WHERE value <> excluded.value OR created_at <> excluded.created_at`

const PRUNE_TOMBSTONES = 'DELETE FROM execution_tombstones WHERE deleted_at < ?1'

const FINAL_LIST = [...FINAL_EXECUTION].map((status) => `'${status}'`).join(', ')

/**
 * Of the final summaries bound, the ids of those that end their execution in the index: read in
 * the batch's transaction before its upsert, so a summary delivered again — its row final already —
 * or one of an incarnation older than the row or deleted is not among them.
 */
const ENDING = `SELECT json_extract(each.value, '$.id') AS id
FROM json_each(?1) AS each
WHERE NOT EXISTS (SELECT 1 FROM executions AS known
    WHERE known.id = json_extract(each.value, '$.id')
      AND (known.created_at > json_extract(each.value, '$.createdAt')
        OR (known.created_at = json_extract(each.value, '$.createdAt') AND known.status IN (${FINAL_LIST}))))
  AND NOT EXISTS (SELECT 1 FROM execution_tombstones AS dead
    WHERE dead.id = json_extract(each.value, '$.id') AND dead.created_at >= json_extract(each.value, '$.createdAt'))`

/** What a batch came to: the statements it ran, and the executions it ended in the index (when asked). */
export interface AppliedBatch {
  statements: number
  ended: ExecutionSummary[]
}

/**
 * Applies a batch of index messages; resolves with the number of statements it ran (one for a batch
 * of summaries, one more when some carry labels, four more when it deletes, one more when the
 * executions it ends are asked for and some summary is final) and those executions, or rejects with
 * D1's error: nothing of it was written.
 */
export async function applyIndexBatch(
  d1: D1Database,
  messages: readonly IndexMessage[],
  now: number,
  options: { ended?: boolean } = {},
): Promise<AppliedBatch> {
  const { upserts, deletes } = latestPerExecution(messages)
  const statements: D1PreparedStatement[] = []
  const final = options.ended ? upserts.filter((summary) => FINAL_EXECUTION.has(summary.status)) : []
  // before the upsert and the deletions, in their transaction: the index as it was
  if (final.length > 0) statements.push(d1.prepare(ENDING).bind(JSON.stringify(final)))
  if (deletes.length > 0) {
    const deleted = JSON.stringify(deletes)
    statements.push(
      d1.prepare(TOMBSTONES).bind(deleted, now),
      d1.prepare(DELETE_ROWS).bind(deleted),
      d1.prepare(DELETE_LABELS).bind(deleted),
      d1.prepare(PRUNE_TOMBSTONES).bind(now - TOMBSTONE_MS),
    )
  }
  if (upserts.length > 0) statements.push(d1.prepare(UPSERT).bind(JSON.stringify(upserts), now))
  const labelled = upserts.filter((summary) => summary.labels !== null).map((summary) => summary.id)
  if (labelled.length > 0) statements.push(d1.prepare(UPSERT_LABELS).bind(JSON.stringify(labelled)))
  const results =
    statements.length === 1
      ? [await statements[0]?.run<{ id: string }>()]
      : statements.length > 1
        ? await d1.batch<{ id: string }>(statements)
        : []
  const ending = new Set(final.length > 0 ? (results[0]?.results ?? []).map((row) => row.id) : [])
  return { statements: statements.length, ended: final.filter((summary) => ending.has(summary.id)) }
}
