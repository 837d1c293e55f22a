/**
 * @module A task run as its row's values in column order, both ways, and the statements that write
 * and read rows so — made once per isolate from the schema (store.ts runs them). drizzle's own
 * statements and row mapping were most of the cost of a flush and of a read of 500 runs
 * (docs/performance.md, Per task and What limits the rest).
 */
import { getTableColumns, getTableName } from 'drizzle-orm'
import type { RunState } from '../../core/state'
import { taskRuns } from './schema'

const COLUMNS = Object.entries(getTableColumns(taskRuns))
const TABLE = getTableName(taskRuns)
const NAMES = COLUMNS.map(([, column]) => column.name)
const KEY = taskRuns.id.name
const FROM_ITEM = COLUMNS.map(
  ([, column], at) => `item ${column.columnType === 'SQLiteTextJson' ? '->' : '->>'} ${at}`,
).join(', ')
const UPDATES = NAMES.filter((name) => name !== KEY)
  .map((name) => `${name} = excluded.${name}`)
  .join(', ')

export const RUN_ROWS = {
  /**
   * (runs as one JSON array of their `values`): an upsert of any number of runs in one statement.
   * Each row is read from `json_each` once, into a materialized table: each mention of its `value`
   * renders the row's text anew (and each column then parses it), which made 20 columns cost 3–4×
   * as much. JSON columns keep their JSON text (`->`), others their SQL value (`->>`).
   */
  upsert: `WITH given AS MATERIALIZED (SELECT value AS item FROM json_each(?)) INSERT INTO ${TABLE} (${NAMES.join(', ')}) SELECT ${FROM_ITEM} FROM given WHERE true ON CONFLICT(${KEY}) DO UPDATE SET ${UPDATES}`,
  /** Every column, in order, of the table: a statement's head, its conditions to follow. */
  select: `SELECT ${NAMES.join(', ')} FROM ${TABLE}`,
  /** A run's values in column order. */
  values: (run: RunState) => COLUMNS.map(([property]) => (run as unknown as Record<string, unknown>)[property] ?? null),
  /** A run from its row's values in column order, each read as drizzle reads it (JSON parsed, 0/1 a boolean). */
  run(values: readonly SqlStorageValue[]): RunState {
    const run: Record<string, unknown> = {}
    COLUMNS.forEach(([property, column], at) => {
      const value = values[at] ?? null
      run[property] = value === null ? null : column.mapFromDriverValue(value)
    })
    return run as unknown as RunState
  },
}
