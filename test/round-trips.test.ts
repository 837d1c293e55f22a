import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import worker from '../src/index'
import { countedEnv, noRoundTrips, readsOnly, ROUND_TRIPS_HEADER } from '../src/round-trips'
import { BASE, putFlow, uniqueId } from './helpers/api'

/** A request to the Worker with round trips counted (the tests' objects do not count theirs). */
async function counted(method: string, path: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext()
  const request = new Request(`${BASE}${path}`, { method, headers, ...(method === 'GET' ? {} : { body: '{}' }) })
  const response = await worker.fetch(request, { ...env, EDGEFLOW_COUNT_ROUND_TRIPS: 'true' }, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

describe('round trips counted', () => {
  it('tell D1 statements that write from those that only read', () => {
    expect(['select 1', ' WITH x AS (SELECT 1) SELECT * FROM x', 'PRAGMA table_list'].every(readsOnly)).toBe(true)
    expect(['insert into t values (1)', 'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x'].some(readsOnly)).toBe(
      false,
    )
  })

  it('count name lookups, D1 reads and writes (a batch is one), through sessions too', async () => {
    const counts = noRoundTrips()
    const bound = countedEnv(env, counts)
    bound.EXECUTIONS.idFromName('x')
    bound.EXECUTIONS.newUniqueId()
    await bound.DB.prepare('SELECT 1').first()
    await bound.DB.withSession('first-unconstrained').prepare('SELECT 2').all()
    await bound.DB.batch([bound.DB.prepare('SELECT 1'), bound.DB.prepare('SELECT 2')])
    await bound.DB.prepare('CREATE TABLE IF NOT EXISTS counted (n INTEGER)').run()
    await bound.DB.batch([bound.DB.prepare('SELECT 1'), bound.DB.prepare('INSERT INTO counted VALUES (1)')])
    expect(counts).toEqual({ lookups: 1, d1Reads: 3, d1Writes: 2 })
  })

  it('are reported in a header only when asked for', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { mode: 'sync', tasks: [{ id: 'r', type: 'return', body: {} }] })
    const warm = await counted('POST', `/hooks/${flowId}`)
    expect(warm.status).toBe(200)
    expect(warm.headers.get(ROUND_TRIPS_HEADER)).toBe('lookups=0;d1-reads=0;d1-writes=0')
    const keyed = await counted('POST', `/hooks/${flowId}`, { 'idempotency-key': uniqueId('key') })
    expect(keyed.headers.get(ROUND_TRIPS_HEADER)).toBe('lookups=1;d1-reads=0;d1-writes=0')
    const listed = await counted('GET', `/api/executions?flowId=${flowId}`)
    expect(listed.headers.get(ROUND_TRIPS_HEADER)).toBe('lookups=0;d1-reads=1;d1-writes=0')
    const plain = await worker.fetch(
      new Request(`${BASE}/hooks/${flowId}`, { method: 'POST' }),
      env,
      createExecutionContext(),
    )
    expect(plain.headers.has(ROUND_TRIPS_HEADER)).toBe(false)
  })
})
