// The index sweep (objects/index-sweep.ts): unsettled rows nobody wrote for a while are checked
// against their objects, so the list converges without anyone reading an execution's detail.
// Tests of this file run one after another on storage of their own: each leaves no stale row behind.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import worker from '../../src/index'
import { SWEEP_STALE_MS, sweepIndex } from '../../src/objects/index-sweep'
import { DEAD_LETTER_ATTEMPTS, INDEX_DEAD_LETTERS, consumeIndex } from '../../src/objects/index-queue'
import { applyIndexBatch, type IndexMessage, upsertMessage } from '../../src/store/d1/index-batch'
import { TAKE_STALE } from '../../src/store/d1/index-sweep'
import { listedWhere, summaryFixture } from '../helpers/api'
import { crash, start } from '../helpers/engine'

interface Row {
  id: string
  status: string
  version: number
  indexed_at: number
}

const row = (id: string) => env.DB.prepare('SELECT * FROM executions WHERE id = ?').bind(id).first<Row>()

/** The row as it was before its last summary: that summary is lost (a queue that lost the message). */
async function loseLastSummary(id: string): Promise<void> {
  await env.DB.prepare(
    "UPDATE executions SET status = 'running', ended_at = NULL, duration_ms = NULL, version = version - 1, indexed_at = 0 WHERE id = ?",
  )
    .bind(id)
    .run()
}

/** Made-up rows of executions no object holds, written by the index at `indexedAt`. */
async function orphans(count: number, status: string, indexedAt: (n: number) => number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => crypto.randomUUID())
  for (const [n, id] of ids.entries())
    await applyIndexBatch(env.DB, [upsertMessage(summaryFixture({ id, status: status as never }))], indexedAt(n))
  return ids
}

const present = async (ids: readonly string[]) => (await Promise.all(ids.map(row))).filter((found) => found !== null)

describe('the index sweep', () => {
  it.each([
    ['kept in memory (production: the queue lost the message)', false],
    ['restarted from storage (wrangler dev after a kill -9)', true],
  ])('brings a row whose final summary was lost to its object, %s', async (_, restarted) => {
    const { flowId, executionId } = await start({
      mode: 'sync',
      tasks: [{ id: 'answer', type: 'return', body: { ok: 1 } }],
    })
    await listedWhere(`flowId=${flowId}`, (page) => page.items[0]?.status === 'completed')
    await loseLastSummary(executionId)
    if (restarted) await crash(executionId)
    // the Worker's scheduled() handler, as the cron of wrangler.toml runs it
    await worker.scheduled(createScheduledController({ cron: '* * * * *' }), env)
    // the list converges, and nobody read the execution from its object
    await listedWhere(`flowId=${flowId}`, (page) => page.items[0]?.status === 'completed')
    expect((await row(executionId))?.indexed_at).toBeGreaterThan(Date.now() - SWEEP_STALE_MS)
  })

  it('leaves a row that is current alone, and does not take it again before it is stale again', async () => {
    const { flowId, executionId } = await start({ tasks: [{ id: 'approval', type: 'wait', event: 'go' }] })
    await listedWhere(`flowId=${flowId}`, (page) => page.items[0]?.status === 'waiting')
    await env.DB.prepare('UPDATE executions SET indexed_at = 0 WHERE id = ?').bind(executionId).run()
    const now = Date.now()
    expect(await sweepIndex(env, now)).toEqual({ checked: 1, resent: 0, deleted: 0, failed: 0 })
    expect(await row(executionId)).toMatchObject({ status: 'waiting', indexed_at: now })
    expect(await sweepIndex(env, now + 1000)).toEqual({ checked: 0, resent: 0, deleted: 0, failed: 0 })
    // stale again: checked again
    expect((await sweepIndex(env, now + SWEEP_STALE_MS + 1)).checked).toBe(1)
  })

  it('deletes a row whose object holds no execution, with a tombstone', async () => {
    const [id] = (await orphans(1, 'running', () => 1)) as [string]
    expect(await sweepIndex(env, Date.now())).toMatchObject({ checked: 1, deleted: 1 })
    await vi.waitUntil(async () => (await row(id)) === null, { timeout: 5_000, interval: 20 })
    const tombstone = await env.DB.prepare('SELECT created_at FROM execution_tombstones WHERE id = ?').bind(id).first()
    expect(tombstone).toEqual({ created_at: 1 })
  })

  it('takes at most INDEX_SWEEP_LIMIT rows, the oldest first, and never a fresh or a final one', async () => {
    const now = Date.now()
    // 15 stale rows, written at 1000, 1001…; 3 unsettled rows written just now; 3 final rows long ago
    const stale = await orphans(15, 'running', (n) => 1000 + n)
    const fresh = await orphans(3, 'delayed', () => now)
    const final = await orphans(3, 'completed', () => 1)
    const limited = { ...env, INDEX_SWEEP_LIMIT: '10' }
    expect(await sweepIndex(limited, now)).toEqual({ checked: 10, resent: 0, deleted: 10, failed: 0 })
    await vi.waitUntil(async () => (await present(stale.slice(0, 10))).length === 0, { timeout: 5_000, interval: 20 })
    expect((await present(stale.slice(10))).map((found) => found.indexed_at)).toEqual([1010, 1011, 1012, 1013, 1014])
    expect((await present(fresh)).map((found) => found.indexed_at)).toEqual([now, now, now])
    expect((await present(final)).map((found) => found.indexed_at)).toEqual([1, 1, 1])
    // the next sweep takes the rest
    expect(await sweepIndex(limited, now)).toEqual({ checked: 5, resent: 0, deleted: 5, failed: 0 })
    await vi.waitUntil(async () => (await present(stale)).length === 0, { timeout: 5_000, interval: 20 })
  })

  it('reads D1 through the partial index of unsettled rows only', async () => {
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${TAKE_STALE}`).bind(2, 1, 3).all<{ detail: string }>()
    expect(plan.results.map((step) => step.detail)).toContain(
      'SEARCH executions USING INDEX executions_unsettled (indexed_at<?)',
    )
    expect(plan.results.map((step) => step.detail).join('\n')).not.toMatch(/SCAN|TEMP B-TREE/)
  })

  it('turns a summary the dead letters hand back to an object that holds nothing into a deletion', async () => {
    const id = crypto.randomUUID()
    // a summary D1 refuses (status NOT NULL), on the dead-letter queue's last try
    const summary = { ...summaryFixture({ id, createdAt: 7 }), status: null as never }
    const body = upsertMessage(summary)
    const message = { id: 'last-try', timestamp: new Date(), attempts: DEAD_LETTER_ATTEMPTS, body }
    const batch = createMessageBatch<IndexMessage>(INDEX_DEAD_LETTERS, [message])
    await consumeIndex(batch, env)
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(['last-try'])
    const tombstone = env.DB.prepare('SELECT created_at FROM execution_tombstones WHERE id = ?').bind(id)
    await vi.waitUntil(async () => (await tombstone.first()) !== null, { timeout: 5_000, interval: 20 })
    expect(await tombstone.first()).toEqual({ created_at: 7 })
  })
})
