import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { drizzle } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import { describe, expect, it } from 'vitest'
import migrations from '../../../drizzle/execution/migrations'
import { ExecutionStore } from '../../../src/store/execution/store'

/**
 * The tables and indexes of an object's own schema, as SQLite holds them (bookkeeping aside), with
 * white space and quotes dropped: `ALTER TABLE … ADD` and `RENAME` write the same columns differently.
 */
const schemaOf = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string; sql: string | null }>(
      "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE '%drizzle%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_miniflare%' ESCAPE '\\' ORDER BY name",
    )
    .toArray()
    .map(({ name, sql }) => ({ name, sql: sql?.replace(/[\s`"]+/g, '') ?? null }))

const applied = (storage: DurableObjectStorage) =>
  storage.sql.exec<{ created_at: number }>('SELECT created_at FROM __drizzle_migrations ORDER BY created_at').toArray()

/** Runs `work` in a new, empty execution object. */
const inNewObject = <T>(work: (storage: DurableObjectStorage) => T | Promise<T>) =>
  runInDurableObject(env.EXECUTIONS.get(env.EXECUTIONS.newUniqueId()), (_, state) => work(state.storage))

describe('the schema of a new execution object', () => {
  it('is the schema the migrations build, created in one batch', async () => {
    const migrated = await inNewObject(async (storage) => {
      await new ExecutionStore(storage).migrate()
      return schemaOf(storage)
    })
    const fresh = await inNewObject(async (storage) => {
      await new ExecutionStore(storage).ensureSchema()
      return schemaOf(storage)
    })
    expect(fresh.map((each) => each.name)).toEqual(migrated.map((each) => each.name))
    expect(fresh).toEqual(migrated)
  })

  it('is recorded as fully migrated: the migrator then changes nothing', async () => {
    await inNewObject(async (storage) => {
      const store = new ExecutionStore(storage)
      await store.ensureSchema()
      const before = { schema: schemaOf(storage), applied: applied(storage) }
      expect(before.applied.map((row) => row.created_at)).toEqual(migrations.journal.entries.map((entry) => entry.when))
      await store.migrate()
      await store.ensureSchema()
      expect({ schema: schemaOf(storage), applied: applied(storage) }).toEqual(before)
    })
  })

  it('leaves an object of an older schema to the migrator, which brings it up to date', async () => {
    const current = await inNewObject(async (storage) => {
      await new ExecutionStore(storage).ensureSchema()
      return schemaOf(storage)
    })
    await inNewObject(async (storage) => {
      const first = {
        ...migrations,
        journal: { ...migrations.journal, entries: migrations.journal.entries.slice(0, 1) },
      }
      await migrate(drizzle(storage), first)
      expect(schemaOf(storage)).not.toEqual(current)
      await new ExecutionStore(storage).ensureSchema()
      expect(schemaOf(storage)).toEqual(current)
      expect(applied(storage)).toHaveLength(migrations.journal.entries.length)
    })
  })
})
