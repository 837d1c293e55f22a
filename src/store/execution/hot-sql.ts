/**
 * @module The statements every execution runs (its start, each flush, the index's version), as SQL
 * text made once per isolate from the schema's names. Every execution is a new object, so a
 * statement drizzle builds — even one prepared per object — is built again for each: under load
 * that building was a tenth of the engine's CPU (docs/performance.md, What limits the rest).
 */
import { getTableColumns, getTableName } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { KEY, keyed, taskRuns } from './schema'

const TABLE = getTableName(keyed)
const { key: K, value: V } = { key: keyed.key.name, value: keyed.value.name }

/**
 * `INSERT … SELECT … FROM json_each(?)`: writes any number of rows, given as one JSON array of
 * arrays (a row's values in column order: `values`), in one statement, an upsert on `key`. Each
 * row is read from `json_each` once, into a materialized table: each mention of `json_each`'s
 * `value` renders the row's text anew (and each column then parses it), which made 20 columns
 * cost 3–4× as much (docs/performance.md, Per task). JSON columns keep their JSON text (`->`),
 * others their SQL value (`->>`).
 */
function bulkUpsert(table: SQLiteTable, key: string) {
  const columns = Object.entries(getTableColumns(table))
  const names = columns.map(([, column]) => column.name)
  const values = columns.map(([, column], at) => `item ${column.columnType === 'SQLiteTextJson' ? '->' : '->>'} ${at}`)
  const properties = columns.map(([property]) => property)
  const updates = names.filter((name) => name !== key).map((name) => `${name} = excluded.${name}`)
  return {
    sql: `WITH given AS MATERIALIZED (SELECT value AS item FROM json_each(?)) INSERT INTO ${getTableName(table)} (${names.join(', ')}) SELECT ${values.join(', ')} FROM given WHERE true ON CONFLICT(${key}) DO UPDATE SET ${updates.join(', ')}`,
    values: (row: object) => properties.map((property) => (row as Record<string, unknown>)[property] ?? null),
  }
}

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
  /** (runs as a JSON array of their `values`) */
  upsertRuns: bulkUpsert(taskRuns, taskRuns.id.name),
} as const
