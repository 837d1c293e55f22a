/**
 * Metrics from the D1 index (docs/observability.md, Metrics): per flow and over every execution,
 * counts by final status and nearest-rank duration percentiles per bucket of creation time.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { upsertMessage } from '../../src/store/d1/index-batch'
import type { ExecutionSummary } from '../../src/store/d1/schema'
import { call, finished, json, putFlow, summaryFixture, uniqueId, waitFor } from '../helpers/api'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A day of the distant past that no other test's executions fall in. */
const distantDay = () => (Math.floor(Date.now() / DAY) - 3_650 - Math.floor(Math.random() * 3_650)) * DAY

async function index(summaries: ExecutionSummary[]): Promise<void> {
  for (const summary of summaries) await env.INDEX_QUEUE.send(upsertMessage(summary))
}

/** Polls a metrics answer until its buckets count `total` executions (the index is eventually consistent). */
async function metricsOnce(path: string, total: number): Promise<any> {
  let answer: any
  await vi.waitUntil(
    async () => {
      answer = await json(call('GET', path))
      return answer.buckets?.reduce((sum: number, bucket: any) => sum + bucket.total, 0) === total
    },
    { timeout: 5_000, interval: 20 },
  )
  return answer
}

describe('GET /api/flows/{id}/metrics', () => {
  it('counts by final status and gives the p50/p95/p99 of the ended durations, every bucket of the window', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { tasks: [{ id: 'a', type: 'set', values: { x: 1 } }] })
    const day = distantDay()
    const ended = (n: number, status: ExecutionSummary['status'], durationMs: number) =>
      summaryFixture({ id: crypto.randomUUID(), flowId, createdAt: day + n, status, durationMs, endedAt: day + n })
    // the first hour: 100 ended executions lasting 1 to 100 ms; the third: one failed, one killed, one running
    const first = Array.from({ length: 100 }, (_, index) =>
      ended(index, index % 10 === 0 ? 'warning' : 'completed', index + 1),
    )
    const third = [
      ended(2 * HOUR, 'failed', 500),
      ended(2 * HOUR + 1, 'killed', 40),
      summaryFixture({ id: crypto.randomUUID(), flowId, createdAt: day + 2 * HOUR + 2, status: 'running' }),
    ]
    // another flow's executions, in the same window, are not counted
    const other = summaryFixture({ id: crypto.randomUUID(), flowId: uniqueId(), createdAt: day + 5, durationMs: 9 })
    await index([...first, ...third, other])
    const from = new Date(day).toISOString()
    const to = new Date(day + 3 * HOUR).toISOString()
    const metrics = await metricsOnce(`/api/flows/${flowId}/metrics?from=${from}&to=${to}&bucket=1h`, 103)
    expect(metrics).toEqual({
      flowId,
      from,
      to,
      bucketMs: HOUR,
      buckets: [
        {
          start: from,
          counts: { completed: 90, warning: 10, failed: 0, killed: 0, running: 0 },
          total: 100,
          durationMs: { p50: 50, p95: 95, p99: 99 },
        },
        {
          start: new Date(day + HOUR).toISOString(),
          counts: { completed: 0, warning: 0, failed: 0, killed: 0, running: 0 },
          total: 0,
          durationMs: null,
        },
        {
          start: new Date(day + 2 * HOUR).toISOString(),
          counts: { completed: 0, warning: 0, failed: 1, killed: 1, running: 1 },
          total: 3,
          durationMs: { p50: 40, p95: 500, p99: 500 },
        },
      ],
    })
    // every execution: the other flow's too
    const all = await metricsOnce(`/api/metrics?from=${from}&to=${to}&bucket=PT3H`, 104)
    expect(all.flowId).toBeNull()
    expect(all.buckets).toEqual([
      {
        start: from,
        counts: { completed: 91, warning: 10, failed: 1, killed: 1, running: 1 },
        total: 104,
        durationMs: { p50: 50, p95: 96, p99: 100 },
      },
    ])
  })

  it('counts an execution run through the API once the index has it', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { tasks: [{ id: 'a', type: 'set', values: { x: 1 } }] })
    const { executionId } = await json(call('POST', `/api/flows/${flowId}/executions`, {}))
    const done = await waitFor(executionId, finished)
    const metrics = await metricsOnce(`/api/flows/${flowId}/metrics?bucket=1d&from=${done.createdAt}`, 1)
    const [bucket] = metrics.buckets.filter((each: any) => each.total > 0)
    expect(bucket.counts.completed).toBe(1)
    expect(bucket.durationMs.p50).toBe(done.durationMs)
  })

  it('answers 404 for a flow that does not exist', async () => {
    const response = await call('GET', `/api/flows/${uniqueId()}/metrics`)
    expect(response.status).toBe(404)
  })

  it('refuses a bad window or bucket with the path of the field', async () => {
    const refused = async (query: string, path: string) => {
      const response = await call('GET', `/api/metrics?${query}`)
      expect(response.status).toBe(400)
      expect((await json(response)).error).toMatchObject({ code: 'invalid_request', issues: [{ path }] })
    }
    await refused('bucket=10ms', 'bucket')
    await refused('bucket=soon', 'bucket')
    await refused('from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from')
    await refused('from=2000-01-01T00:00:00Z&bucket=1m', 'bucket')
    await refused('since=2000-01-01T00:00:00Z', 'since')
  })
})
