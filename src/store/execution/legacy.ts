/**
 * @module The rewrite of an object of the layout before the two-table one (layout.ts): nine tables
 * and an index, migrated by drizzle's migrator. When such an object loads, the migrator first
 * brings it to the last of those migrations (an older object too), then one transaction moves the
 * execution's state, its source, its timers, its wake ledger and its log lines into the keyed table
 * and drops the tables they came from; the task runs stay where they are (the same table in both
 * layouts), and so do kept events and items, whose tables are dropped only when empty.
 */
import type { DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../../drizzle/execution/migrations'
import { KEYED_TABLE, LAZY_TABLES, type LazyTable } from './layout'
import { execution, source, timers } from './legacy-schema'
import { type ExecutionSource, type ExecutionState, KEY, keyed } from './schema'

/** The migrator's bookkeeping table: every object of the old layout has it, none of the new. */
const BOOKKEEPING = '__drizzle_migrations'

/** Where the wake ledger was kept: the object's key-value storage. */
const LEGACY_WAKES_KEY = 'unfinishedWakes'

/** Whether this object's storage has the layout before the two-table one. */
export function isLegacy(storage: DurableObjectStorage): boolean {
  return (
    storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", BOOKKEEPING).toArray().length > 0
  )
}

/** Rewrites an object of the old layout (any of its migrations) into the current one, losing nothing. */
export async function rewriteLegacy(storage: DurableObjectStorage, db: DrizzleSqliteDODatabase): Promise<void> {
  await migrate(db, migrations)
  storage.transactionSync(() => {
    const state: ExecutionState | undefined = db.select().from(execution).get()
    const started = db.select().from(source).get()
    const due = db.select().from(timers).all()
    const wakes = storage.kv.get<number>(LEGACY_WAKES_KEY)
    for (const table of ['execution', 'source', 'timers', BOOKKEEPING]) storage.sql.exec(`DROP TABLE ${table}`)
    for (const table of Object.keys(LAZY_TABLES) as LazyTable[]) {
      const empty = storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n === 0
      if (empty) storage.sql.exec(`DROP TABLE ${table}`)
    }
    storage.sql.exec(KEYED_TABLE)
    storage.sql.exec(
      `INSERT INTO execution (key, value) SELECT ${KEY.logs} + id, json_array(at, level, task_id,
        task_run_id, message, attempt) FROM logs`,
    )
    storage.sql.exec('DROP TABLE logs')
    const rows: { key: number; value: unknown }[] = []
    if (state) rows.push({ key: KEY.state, value: state })
    if (started) {
      const { definition, input, slot } = started
      rows.push({ key: KEY.source, value: { definition, input, slot } satisfies ExecutionSource })
    }
    if (due.length > 0)
      rows.push({ key: KEY.timers, value: Object.fromEntries(due.map((row) => [row.key, row.dueAt])) })
    if (wakes !== undefined) {
      rows.push({ key: KEY.unfinishedWakes, value: wakes })
      storage.kv.delete(LEGACY_WAKES_KEY)
    }
    if (rows.length > 0) db.insert(keyed).values(rows).run()
  })
}
