/**
 * @module The index sweep's one statement (objects/index-sweep.ts runs it): the unsettled rows the
 * index has not written for a while, the oldest first and at most `limit` of them, marked as checked
 * now — so that the next sweeps take others — and returned. It reads the partial index
 * `executions_unsettled` only (`INDEXED BY`: SQLite refuses the statement rather than scan the table).
 */
import { UNSETTLED_CONDITION } from './schema'

/** A row to check against its object: the incarnation and version the index holds. */
export interface StaleRow {
  id: string
  createdAt: number
  version: number
}

export const TAKE_STALE = `UPDATE executions SET indexed_at = ?1
WHERE id IN (SELECT id FROM executions INDEXED BY executions_unsettled
  WHERE ${UNSETTLED_CONDITION} AND indexed_at < ?2 ORDER BY indexed_at LIMIT ?3)
RETURNING id, created_at AS createdAt, version`

/** The rows not written since `before`, at most `limit`, now marked as checked at `now`. */
export async function takeStaleRows(d1: D1Database, now: number, before: number, limit: number): Promise<StaleRow[]> {
  const { results } = await d1.prepare(TAKE_STALE).bind(now, before, limit).all<StaleRow>()
  return results
}
