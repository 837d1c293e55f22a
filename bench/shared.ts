/** What the bench's driver (Node) and its Worker-side helpers both know. */

/** The steps of an execution's start that bench/profile.ts times, each adding to the one before. */
export const PROFILE_STEPS = ['empty', 'schema', 'row', 'alarm', 'd1'] as const
export type ProfileStep = (typeof PROFILE_STEPS)[number]

export interface StorageSize {
  /** Bytes, as Cloudflare bills them (`ctx.storage.sql.databaseSize`). */
  databaseSize: number
  /** Bytes of pages per table or index (from `dbstat`), or null where SQLite does not offer it. */
  tables: Record<string, number> | null
}
