import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { sha256 } from '../../src/domain/ids'
import { call, finished, flowRefusedPaths, json, listed, putFlow, uniqueId, waitFor } from '../helpers/api'

/** The rate limiter of a flow's key, named as src/objects/coordinators.ts names it. */
const rateLimiterOf = async (flowId: string, key: string) =>
  env.RATE_LIMITERS.get(env.RATE_LIMITERS.idFromName(`${flowId}:${await sha256(key)}`))

/** The concurrency coordinator of a flow's key ('' without a key). */
const coordinatorOf = async (flowId: string, key = '') =>
  env.COORDINATORS.get(env.COORDINATORS.idFromName(`${flowId}:${await sha256(key)}`))

const noop = [{ id: 'noop', type: 'log', message: '.' }]

/** The paths a PUT of `extra` (with a task) is refused with. */
const refusedPaths = (extra: object) => flowRefusedPaths({ ...extra, tasks: noop })

describe('flow control definitions', () => {
  it('refuse a key that is not an expression, a limit of 0, a bad onLimit, with their paths', async () => {
    expect(await refusedPaths({ concurrency: { limit: 1, key: 'customer' } })).toEqual(['concurrency.key'])
    expect(await refusedPaths({ concurrency: { limit: 0 } })).toEqual(['concurrency.limit'])
    expect(await refusedPaths({ concurrency: { limit: 1, onLimit: 'drop' } })).toEqual(['concurrency.onLimit'])
    expect(await refusedPaths({ concurrency: { limit: 1, key: '{{ input.body.( }}' } })).toEqual(['concurrency.key'])
  })

  it('refuse a bad period, a period out of bounds and a limit of 0 in a rate limit, with their paths', async () => {
    expect(await refusedPaths({ rateLimit: { limit: 10, period: 'often' } })).toEqual(['rateLimit.period'])
    expect(await refusedPaths({ rateLimit: { limit: 10, period: '10ms' } })).toEqual(['rateLimit.period'])
    expect(await refusedPaths({ rateLimit: { limit: 0, period: '1m' } })).toEqual(['rateLimit.limit'])
    expect(await refusedPaths({ rateLimit: { limit: 1, period: '1m', key: 'ip' } })).toEqual(['rateLimit.key'])
  })
})

describe('rate limits', () => {
  it('say "for this key" only when the limit has a key', async () => {
    const id = uniqueId()
    await putFlow(id, { rateLimit: { limit: 1, period: '1m' }, tasks: noop })
    expect((await call('POST', `/hooks/${id}`, {})).status).toBe(202)
    const refused = await call('POST', `/hooks/${id}`, {})
    expect(refused.status).toBe(429)
    expect((await json(refused)).error.message).toBe(`flow ${id} takes 1 trigger per 60 s`)
  })

  it('take `limit` triggers per period and answer 429 with Retry-After to the next, per key, until the window moves', async () => {
    const id = uniqueId()
    // a minute: the four triggers fall in one window however slow the machine (the test moves the clock after)
    await putFlow(id, { rateLimit: { limit: 3, period: '1m', key: '{{ input.body.who }}' }, tasks: noop })
    const trigger = (who: string) => call('POST', `/hooks/${id}`, { who })
    for (let n = 0; n < 3; n++) expect((await trigger('ada')).status).toBe(202)
    const refused = await trigger('ada')
    expect(refused.status).toBe(429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await json(refused)).error).toMatchObject({ code: 'rate_limited' })
    // another key has its own window; the manual trigger counts too
    expect((await trigger('bob')).status).toBe(202)
    expect((await call('POST', `/api/flows/${id}/executions`, { who: 'ada' })).status).toBe(429)
    // the refused triggers started nothing
    await listed(`flowId=${id}`, 4)
    // a caller that waits as Retry-After says gets in: the oldest trigger has left the window
    // (the limiter's clock is moved, not waited for: its triggers happened Retry-After earlier)
    await runInDurableObject(await rateLimiterOf(id, 'ada'), (_, state) => {
      state.storage.sql.exec('UPDATE hits SET at = at - ?', retryAfter * 1000)
    })
    expect((await trigger('ada')).status).toBe(202)
  })
})

describe('concurrency limits', () => {
  it('answer the first refusal after an idle pause with a Retry-After from the hold times seen before it', async () => {
    const id = uniqueId()
    await putFlow(id, {
      concurrency: { limit: 1, onLimit: 'reject' },
      tasks: [{ id: 'hold', type: 'wait', event: 'go' }],
    })
    const holdOnce = async () => {
      const response = await call('POST', `/hooks/${id}`, {})
      expect(response.status).toBe(202)
      const held = response.headers.get('x-execution-id')!
      await waitFor(held, (detail) => detail.status === 'waiting')
      return held
    }
    const first = await holdOnce()
    // the slot looks held for ten minutes (the clock is moved, not waited for)
    await runInDurableObject(await coordinatorOf(id), (_, state) => {
      state.storage.sql.exec('UPDATE holders SET since = since - 600000')
    })
    await call('POST', `/api/executions/${first}/events/go`, {})
    await waitFor(first, finished)
    // idle: nobody holds or waits
    await vi.waitUntil(async () => (await (await coordinatorOf(id)).view()) === null)
    const second = await holdOnce()
    const refused = await call('POST', `/hooks/${id}`, {})
    expect(refused.status).toBe(429)
    // about ten minutes less the moment the second has held its slot, not a second
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500)
    await call('POST', `/api/executions/${second}/events/go`, {})
    await waitFor(second, finished)
    // idle for a day, the key forgets that average too: nothing is left
    const coordinator = await coordinatorOf(id)
    await vi.waitUntil(async () => (await coordinator.view()) === null)
    expect(await runDurableObjectAlarm(coordinator)).toBe(true)
    await runInDurableObject(coordinator, async (_, state) => {
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'settings'").toArray()).toEqual([])
      expect(await state.storage.getAlarm()).toBeNull()
    })
  })
})
