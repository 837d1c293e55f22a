/** The storage an object is billed for (`databaseSize`), and what takes it, table by table. */
import type { StorageSize } from './shared'

export function storageSize(storage: DurableObjectStorage): StorageSize {
  let tables: Record<string, number> | null = null
  try {
    tables = {}
    for (const row of storage.sql.exec<{ name: string; bytes: number }>(
      'SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC',
    ))
      tables[row.name] = row.bytes
  } catch (error) {
    // dbstat is a compile-time option: without it the total is all there is
    console.warn('no dbstat', error)
    tables = null
  }
  return { databaseSize: storage.sql.databaseSize, tables }
}
