import { listDurableObjectIds, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { executionIdShape } from '../../src/domain/ids'
import { launch, triggerInput } from '../../src/objects/stubs'
import { call, execution, finished, indexSettled, json, listed, putFlow, uniqueId, waitFor } from '../helpers/api'

const SYNC = { mode: 'sync', tasks: [{ id: 'answer', type: 'return', body: { ok: true } }] }

async function flow(definition: object = SYNC): Promise<string> {
  const id = uniqueId()
  await putFlow(id, definition)
  return id
}

describe('execution ids', () => {
  it('are the unique ids of new executions’ objects: 64 hex digits, reached without a name', async () => {
    const flowId = await flow()
    const response = await call('POST', `/hooks/${flowId}`, {})
    const id = response.headers.get('x-execution-id')!
    expect(id).toMatch(/^[0-9a-f]{64}$/)
    expect(env.EXECUTIONS.idFromString(id).toString()).toBe(id)
    expect(await execution(id)).toMatchObject({ id, status: 'completed' })
    const page = await listed(`flowId=${flowId}`, 1)
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([id])
  })

  it('of the older form (UUIDs, reached by name) stay reachable', async () => {
    const flowId = await flow()
    const old = crypto.randomUUID()
    const started = await launch(env, {
      executionId: old,
      flowId,
      revision: 1,
      definition: { mode: 'async', tasks: [{ id: 'x', type: 'log', message: '.' }] } as never,
      trigger: 'manual',
      input: triggerInput('manual', {}, Date.now()),
    })
    expect(started).toMatchObject({ ok: true, executionId: old })
    expect(await waitFor(old, finished)).toMatchObject({ id: old, status: 'completed' })
    expect((await call('GET', `/api/executions/${old}/logs`)).status).toBe(200)
  })

  it('stay derived from the Idempotency-Key: repeats find the same execution, by name', async () => {
    const flowId = await flow()
    const headers = { 'idempotency-key': `k-${crypto.randomUUID()}` }
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await call('POST', `/hooks/${flowId}`, {}, headers)).headers.get('x-execution-id')),
    )
    expect(new Set(ids).size).toBe(1)
    expect(executionIdShape(ids[0]!)).toBe('named')
    await listed(`flowId=${flowId}`, 1)
    await indexSettled()
    expect((await json(call('GET', `/api/executions?flowId=${flowId}`))).items).toHaveLength(1)
  })
})

describe('a malformed or unknown execution id', () => {
  const unknownUnique = () => env.EXECUTIONS.newUniqueId().toString()
  const malformed = [
    'not-an-id',
    'A'.repeat(64), // upper case: not how an id is written
    'a'.repeat(64), // 64 hex digits this namespace never made
    'a'.repeat(63),
    crypto.randomUUID().toUpperCase(),
  ]
  const routes: [string, (id: string) => string][] = [
    ['GET', (id) => `/api/executions/${id}`],
    ['GET', (id) => `/api/executions/${id}/task-runs`],
    ['GET', (id) => `/api/executions/${id}/task-runs/totals`],
    ['GET', (id) => `/api/executions/${id}/logs`],
    ['DELETE', (id) => `/api/executions/${id}`],
    ['POST', (id) => `/api/executions/${id}/kill`],
    ['POST', (id) => `/api/executions/${id}/pause`],
    ['POST', (id) => `/api/executions/${id}/resume`],
    ['POST', (id) => `/api/executions/${id}/events/go`],
    ['POST', (id) => `/api/executions/${id}/replay`],
  ]

  const everyRoute = async (id: string) => {
    for (const [method, path] of routes) {
      const response = await call(method, path(id), method === 'GET' ? undefined : {})
      expect([method, path(id), response.status]).toEqual([method, path(id), 404])
      expect((await json(response)).error.code).toBe('not_found')
    }
  }

  it('answers 404 not_found on every :id route when malformed, creating no object and no index row', async () => {
    const before = await listDurableObjectIds(env.EXECUTIONS)
    for (const id of malformed) await everyRoute(id)
    expect(await listDurableObjectIds(env.EXECUTIONS)).toHaveLength(before.length)
    const { results } = await env.DB.prepare('SELECT id FROM executions WHERE id IN (?, ?)')
      .bind(malformed[1], malformed[2])
      .all()
    expect(results).toEqual([])
  })

  it('answers 404 on every :id route when well formed but unknown, and leaves its object empty', async () => {
    const id = unknownUnique()
    await everyRoute(id)
    const tables = await runInDurableObject(env.EXECUTIONS.get(env.EXECUTIONS.idFromString(id)), (_, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    )
    expect(tables).toEqual([])
  })
})
