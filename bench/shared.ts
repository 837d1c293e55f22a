/** What the bench's driver (Node) and its Worker-side helpers both know. */

/**
 * The steps of an execution's start that bench/profile.ts times, each with the step it adds to:
 * the old layout by the migrator (as every new object made it before the one batch), or the two-table
 * layout (as now).
 */
export const PROFILE_STEPS = {
  empty: null,
  migrator: 'empty',
  schema: 'empty',
  row: 'schema',
  alarm: 'row',
  index: 'alarm',
} as const
export type ProfileStep = keyof typeof PROFILE_STEPS

export interface StorageSize {
  /** Bytes, as Cloudflare bills them (`ctx.storage.sql.databaseSize`). */
  databaseSize: number
  /** Bytes of pages per table or index (from `dbstat`), or null where SQLite does not offer it. */
  tables: Record<string, number> | null
  /** Every table and index in `sqlite_master` (each takes at least one page). */
  objects: string[]
}
