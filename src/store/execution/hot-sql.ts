/**
 * @module The keyed table's statements every execution runs (its start, each flush, the index's
 * version), as SQL text made once per isolate from the schema's names (task runs: task-run-rows.ts). Every execution is a new object, so a
 * statement drizzle builds — even one prepared per object — is built again for each: under load
 * that building was a tenth of the engine's CPU (docs/performance.md, What limits the rest).
 */
import { getTableName } from 'drizzle-orm'
import { KEY, keyed } from './schema'

const TABLE = getTableName(keyed)
const { key: K, value: V } = { key: keyed.key.name, value: keyed.value.name }

/** Each takes its values as `storage.sql.exec`'s bindings; JSON values as their text. */
export const HOT_SQL = {
  /** (key) → the row's value. */
  value: `SELECT ${V} FROM ${TABLE} WHERE ${K} = ?`,
  /** (key, value) */
  put: `INSERT INTO ${TABLE} (${K}, ${V}) VALUES (?, ?) ON CONFLICT(${K}) DO UPDATE SET ${V} = excluded.${V}`,
  /** (key) */
  remove: `DELETE FROM ${TABLE} WHERE ${K} = ?`,
  /** (state, source) */
  insertExecution: `INSERT INTO ${TABLE} (${K}, ${V}) VALUES (${KEY.state}, ?), (${KEY.source}, ?)`,
  /** () → the state's and the source's rows. */
  execution: `SELECT ${K}, ${V} FROM ${TABLE} WHERE ${K} IN (${KEY.state}, ${KEY.source})`,
  /** (state) */
  saveState: `UPDATE ${TABLE} SET ${V} = ? WHERE ${K} = ${KEY.state}`,
  /** (version): the version written alone, so it cannot tear a turn's state. */
  indexedVersion: `UPDATE ${TABLE} SET ${V} = json_set(${V}, '$.indexedVersion', ?) WHERE ${K} = ${KEY.state}`,
  /**
   * (lines as a JSON array of arrays): log lines hold the largest keys, so max(key) — read from the
   * b-tree's last entry, once — is the last line's, or below KEY.logs when none is written.
   */
  appendLogs: `INSERT INTO ${TABLE} (${K}, ${V})
    SELECT max(coalesce((SELECT max(${K}) FROM ${TABLE}), 0), ${KEY.logs}) + 1 + line.key, line.value
    FROM json_each(?) AS line`,
} as const
