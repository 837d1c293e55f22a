import { env } from 'cloudflare:workers'
import type { ExecutionStatus } from '../../../src/domain/types'
import { describe, expect, it } from 'vitest'
import { listExecutions } from '../../../src/store/d1/executions'
import { applyIndexBatch, deleteMessage, latestPerExecution, upsertMessage } from '../../../src/store/d1/index-batch'
import { summaryFixture } from '../../helpers/api'

const summary = (id: string, version: number, status: ExecutionStatus, createdAt = 1) =>
  summaryFixture({
    id,
    flowId: 'batched',
    status,
    createdAt,
    version,
    errorMessage: version > 2 ? `it's "quoted" — ${'x'.repeat(100)}` : null,
  })

const row = async (id: string) =>
  (await listExecutions(env.DB, { flowId: 'batched', limit: 500 })).find((each) => each.id === id) ?? null

describe('latestPerExecution', () => {
  it('keeps the newest summary of each execution: a later incarnation, else the highest version', () => {
    const { upserts } = latestPerExecution([
      upsertMessage(summary('a', 2, 'running')),
      upsertMessage(summary('a', 3, 'completed')),
      upsertMessage(summary('a', 1, 'pending')),
      upsertMessage(summary('b', 5, 'completed')),
      upsertMessage(summary('b', 1, 'pending', 2)),
    ])
    expect(upserts.map((each) => [each.id, each.version, each.createdAt])).toEqual([
      ['a', 3, 1],
      ['b', 1, 2],
    ])
  })

  it('drops the summaries of an incarnation the batch deletes, not those of a later one', () => {
    const { upserts, deletes } = latestPerExecution([
      upsertMessage(summary('a', 3, 'completed')),
      deleteMessage('a', 1),
      upsertMessage(summary('b', 3, 'completed')),
      deleteMessage('b', 1),
      upsertMessage(summary('b', 1, 'pending', 2)),
    ])
    expect(upserts.map((each) => [each.id, each.createdAt])).toEqual([['b', 2]])
    expect(deletes).toEqual([deleteMessage('a', 1), deleteMessage('b', 1)])
  })
})

describe('applyIndexBatch', () => {
  it('writes a batch of 150 summaries in one statement, keeping the highest version of each', async () => {
    const messages = Array.from({ length: 150 }, (_, i) =>
      upsertMessage(summary(`many-${i % 50}`, 1 + Math.floor(i / 50), i >= 100 ? 'completed' : 'running')),
    )
    expect((await applyIndexBatch(env.DB, messages, Date.now())).statements).toBe(1)
    const rows = (await listExecutions(env.DB, { flowId: 'batched', limit: 500 })).filter((each) =>
      each.id.startsWith('many-'),
    )
    expect(rows).toHaveLength(50)
    expect(rows.every((each) => each.version === 3 && each.status === 'completed')).toBe(true)
    expect((await row('many-7'))?.errorMessage).toBe(summary('many-7', 3, 'completed').errorMessage)
  })

  it('never goes back to an older version that arrives in a later batch', async () => {
    await applyIndexBatch(env.DB, [upsertMessage(summary('late', 3, 'completed'))], Date.now())
    await applyIndexBatch(env.DB, [upsertMessage(summary('late', 2, 'running'))], Date.now())
    expect(await row('late')).toMatchObject({ status: 'completed', version: 3 })
  })

  it('deletes with a tombstone: a summary still on its way does not bring the execution back, a new one under its id is indexed', async () => {
    await applyIndexBatch(env.DB, [upsertMessage(summary('gone', 3, 'completed'))], Date.now())
    expect((await applyIndexBatch(env.DB, [deleteMessage('gone', 1)], Date.now())).statements).toBe(4)
    expect(await row('gone')).toBeNull()
    await applyIndexBatch(env.DB, [upsertMessage(summary('gone', 4, 'completed'))], Date.now())
    expect(await row('gone')).toBeNull()
    await applyIndexBatch(env.DB, [upsertMessage(summary('gone', 1, 'pending', 2))], Date.now())
    expect(await row('gone')).toMatchObject({ status: 'pending', createdAt: 2 })
  })

  it('names, when asked, the executions it ends: not one final already, of an older incarnation or deleted', async () => {
    const ended = async (...messages: Parameters<typeof applyIndexBatch>[1]) =>
      (await applyIndexBatch(env.DB, messages, Date.now(), { ended: true })).ended.map((each) => each.id)
    expect(await ended(upsertMessage(summary('end-a', 1, 'running')))).toEqual([])
    expect(
      await ended(
        upsertMessage(summary('end-a', 2, 'failed')),
        upsertMessage(summary('end-b', 3, 'completed')),
        upsertMessage(summary('end-c', 1, 'running')),
      ),
    ).toEqual(['end-a', 'end-b'])
    // delivered again, or a later version of one final already
    expect(
      await ended(upsertMessage(summary('end-a', 2, 'failed')), upsertMessage(summary('end-b', 4, 'completed'))),
    ).toEqual([])
    // an older incarnation than the row's, and one deleted
    await applyIndexBatch(env.DB, [upsertMessage(summary('end-d', 1, 'running', 5))], Date.now())
    await applyIndexBatch(env.DB, [deleteMessage('end-c', 1)], Date.now())
    expect(
      await ended(upsertMessage(summary('end-d', 3, 'completed', 4)), upsertMessage(summary('end-c', 2, 'killed'))),
    ).toEqual([])
    // a new incarnation of a deleted id ends again
    expect(await ended(upsertMessage(summary('end-c', 1, 'completed', 2)))).toEqual(['end-c'])
    // not asked: no statement more
    expect(
      (await applyIndexBatch(env.DB, [upsertMessage(summary('end-e', 1, 'completed'))], Date.now())).ended,
    ).toEqual([])
  })

  it('prunes tombstones older than any message can be', async () => {
    const now = Date.now()
    await applyIndexBatch(env.DB, [deleteMessage('ancient', 1)], now - 16 * 24 * 3_600_000)
    await applyIndexBatch(env.DB, [deleteMessage('recent', 1)], now)
    const { results } = await env.DB.prepare(
      "SELECT id FROM execution_tombstones WHERE id IN ('ancient', 'recent')",
    ).all<{ id: string }>()
    expect(results.map((each) => each.id)).toEqual(['recent'])
  })

  it('keeps the label rows of the newest summary, and deletes them with the execution', async () => {
    const labels = async (id: string) =>
      (
        await env.DB.prepare('SELECT key, value FROM execution_labels WHERE execution_id = ? ORDER BY key')
          .bind(id)
          .all()
      ).results
    const labelled = (version: number, values: Record<string, string>) =>
      upsertMessage({ ...summary('tagged', version, 'running'), labels: values })
    expect((await applyIndexBatch(env.DB, [labelled(2, { a: '1' })], Date.now())).statements).toBe(2)
    await applyIndexBatch(env.DB, [labelled(4, { a: '2', b: 'x' }), labelled(3, { a: '1', c: 'y' })], Date.now())
    // an older summary that comes late changes nothing
    await applyIndexBatch(env.DB, [labelled(3, { a: '1', c: 'y' })], Date.now())
    expect(await labels('tagged')).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: 'x' },
    ])
    await applyIndexBatch(env.DB, [deleteMessage('tagged', 1)], Date.now())
    expect(await labels('tagged')).toEqual([])
  })
})
