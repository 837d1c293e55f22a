import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { upsertMessage } from '../../src/store/d1/index-batch'
import { call, json, summaryFixture } from '../helpers/api'

const DAY = 86_400_000

describe('GET /api/executions/counts', () => {
  it('counts the executions of the index by time bin and status, oldest bin first', async () => {
    // a day three years back, which no other test's executions fall in
    const day = (Math.floor(Date.now() / DAY) - 3 * 365) * DAY
    const fixtures = [
      summaryFixture({ id: crypto.randomUUID(), createdAt: day + 1_000, status: 'completed' }),
      summaryFixture({ id: crypto.randomUUID(), createdAt: day + 2_000, status: 'completed' }),
      summaryFixture({ id: crypto.randomUUID(), createdAt: day + DAY - 1, status: 'failed' }),
      summaryFixture({ id: crypto.randomUUID(), createdAt: day + DAY, status: 'running' }),
    ]
    for (const fixture of fixtures) await env.INDEX_QUEUE.send(upsertMessage(fixture))
    const since = new Date(day).toISOString()
    const next = new Date(day + DAY).toISOString()
    let counts: { binMs: number; items: { start: string; status: string; count: number }[] } | undefined
    await vi.waitUntil(
      async () => {
        counts = await json(call('GET', `/api/executions/counts?since=${since}&binMs=${DAY}`))
        return counts!.items.filter((item) => item.start === since || item.start === next).length === 3
      },
      { timeout: 5_000, interval: 20 },
    )
    expect(counts!.binMs).toBe(DAY)
    const ours = counts!.items.filter((item) => item.start === since || item.start === next)
    expect(ours).toEqual(
      [
        { start: since, status: 'completed', count: 2 },
        { start: since, status: 'failed', count: 1 },
        { start: next, status: 'running', count: 1 },
      ].sort((a, b) => a.start.localeCompare(b.start) || a.status.localeCompare(b.status)),
    )
    const starts = counts!.items.map((item) => item.start)
    expect(starts).toEqual([...starts].sort())
  })

  it('refuses a span of more bins than it counts at once, naming the field', async () => {
    const response = await call('GET', `/api/executions/counts?since=2000-01-01T00:00:00Z&binMs=60000`)
    expect(response.status).toBe(400)
    expect((await json(response)).error).toMatchObject({ code: 'invalid_request', issues: [{ path: 'since' }] })
  })

  it('refuses a bin narrower than a second', async () => {
    const response = await call('GET', `/api/executions/counts?since=${new Date().toISOString()}&binMs=10`)
    expect(response.status).toBe(400)
    expect((await json(response)).error).toMatchObject({ issues: [{ path: 'binMs' }] })
  })
})
