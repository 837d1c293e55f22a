/**
 * Objects of the layout before the two-table one, as the code of that layout made them: its schema
 * (`drizzle/execution/schema.sql`, which drizzle-kit exported from it and which no longer changes)
 * created in one batch with the migrator's bookkeeping recording every migration as applied — or,
 * for an older object, the migrator run up to one of them.
 */
import { drizzle } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../../drizzle/execution/migrations'
import schema from '../../../drizzle/execution/schema.sql'
import * as legacy from '../../../src/store/execution/legacy-schema'
import type { ExecutionRow } from '../../../src/store/execution/schema'

/** What a new object of that layout created (src/store/execution/fresh-schema.ts of that code). */
export function legacySchema(): string {
  const applied = migrations.journal.entries.map((entry) => `('', ${Number(entry.when)})`).join(', ')
  return `${schema.trim()}
CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric);
INSERT INTO __drizzle_migrations (hash, created_at) VALUES ${applied};`
}

/** An object of the first migrations only (`count` of the journal), as the migrator left it. */
export function migratedUpTo(storage: DurableObjectStorage, count: number): Promise<void> {
  const journal = { ...migrations.journal, entries: migrations.journal.entries.slice(0, count) }
  return migrate(drizzle(storage), { ...migrations, journal })
}

/** Everything an object holds, as its tables and key-value pairs had it. */
export interface LegacyContent {
  row: ExecutionRow
  /** Rows of the tables both layouts share, as `SELECT *` reads them. */
  tables: Record<'task_runs' | 'logs' | 'events' | 'items', Record<string, SqlStorageValue>[]>
  timers: Record<string, number>
  unfinishedWakes: number
  alarm: number | null
}

/** Writes `content` into an empty object in the layout of that code: its schema, rows, kv and alarm. */
export async function writeLegacy(storage: DurableObjectStorage, content: LegacyContent): Promise<void> {
  const db = drizzle(storage)
  storage.transactionSync(() => {
    storage.sql.exec(legacySchema())
    const { definition, input, slot, ...state } = content.row
    db.insert(legacy.execution).values(state).run()
    db.insert(legacy.source).values({ definition, input, slot }).run()
    for (const [key, dueAt] of Object.entries(content.timers)) db.insert(legacy.timers).values({ key, dueAt }).run()
    for (const [table, rows] of Object.entries(content.tables)) {
      for (const row of rows) {
        const columns = Object.keys(row)
        storage.sql.exec(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          ...Object.values(row),
        )
      }
    }
    if (content.unfinishedWakes > 0) storage.kv.put('unfinishedWakes', content.unfinishedWakes)
  })
  if (content.alarm !== null) await storage.setAlarm(content.alarm)
}
