/** The storage an object is billed for (`databaseSize`), and what takes it. */
import type { StorageSize } from './shared'

/** `dbstat` (pages per table) is a compile-time option of SQLite: where it is missing, the objects are listed. */
export function storageSize(storage: DurableObjectStorage): StorageSize {
  const objects = storage.sql
    .exec<{ type: string; name: string }>('SELECT type, name FROM sqlite_master ORDER BY name')
    .toArray()
    .map((row) => `${row.type} ${row.name}`)
  let tables: Record<string, number> | null = null
  try {
    tables = Object.fromEntries(
      storage.sql
        .exec<{ name: string; bytes: number }>('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name')
        .toArray()
        .map((row) => [row.name, row.bytes]),
    )
  } catch {
    // no dbstat here: the list of objects (one root page each at least) is what there is
  }
  return { databaseSize: storage.sql.databaseSize, tables, objects }
}
