/**
 * Workers Analytics Engine (docs/observability.md): with a `METRICS` binding — a fake one here — the
 * index queue's consumer writes one data point per execution a batch ends in the index, never one for
 * a summary delivered again, and a write that throws fails nothing.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { consumeIndex } from '../../src/objects/index-queue'
import { type IndexMessage, upsertMessage } from '../../src/store/d1/index-batch'
import type { ExecutionSummary } from '../../src/store/d1/schema'
import { ADHOC_INDEX, executionDataPoint } from '../../src/telemetry/data-point'
import { summaryFixture, uniqueId } from '../helpers/api'
import { loggedLine } from '../helpers/logs'

/** A batch of the index queue delivering `summaries`, counting what was acked and retried. */
function batch(summaries: ExecutionSummary[]) {
  const fake = { acked: 0, retried: 0 }
  const messages = summaries.map((summary, index) => ({
    id: String(index),
    timestamp: new Date(),
    attempts: 1,
    body: upsertMessage(summary),
    ack: () => void (fake.acked += 1),
    retry: () => void (fake.retried += 1),
  }))
  const made = { queue: 'edgeflow-index', messages, ackAll: () => undefined, retryAll: () => undefined }
  return { batch: made as unknown as MessageBatch<IndexMessage>, fake }
}

/** A fake Analytics Engine dataset that keeps what is written. */
function dataset() {
  const points: AnalyticsEngineDataPoint[] = []
  return { points, METRICS: { writeDataPoint: (point?: AnalyticsEngineDataPoint) => void points.push(point ?? {}) } }
}

describe('Analytics Engine data points', () => {
  it('hold the flow as the index, what to group by as blobs and the duration first among the doubles', () => {
    const summary = summaryFixture({
      id: 'e1',
      flowId: 'orders',
      status: 'failed',
      errorType: 'http_error',
      errorTaskId: 'charge',
      durationMs: 812,
      revision: 3,
      createdAt: 1_000,
      endedAt: 1_812,
    })
    expect(executionDataPoint(summary)).toEqual({
      indexes: ['orders'],
      blobs: ['orders', 'failed', 'manual', 'http_error', 'async', 'charge'],
      doubles: [812, 3, 1_000, 1_812],
    })
    expect(executionDataPoint({ ...summary, flowId: null }).indexes).toEqual([ADHOC_INDEX])
  })

  it('are written once per execution the index sees end, whatever is delivered again', async () => {
    const flowId = uniqueId()
    const { points, METRICS } = dataset()
    const id = crypto.randomUUID()
    const running = summaryFixture({ id, flowId, status: 'running', createdAt: 5, version: 1 })
    const done = { ...running, status: 'completed' as const, version: 2, durationMs: 40, endedAt: 45 }
    const other = summaryFixture({ id: crypto.randomUUID(), flowId, status: 'killed', createdAt: 6, durationMs: 3 })

    const first = batch([running])
    await consumeIndex(first.batch, { ...env, METRICS })
    expect(points).toEqual([])

    const second = batch([done, running, other])
    await consumeIndex(second.batch, { ...env, METRICS })
    expect(second.fake).toEqual({ acked: 3, retried: 0 })
    expect(points.map((point) => point.blobs?.slice(0, 2))).toEqual([
      [flowId, 'completed'],
      [flowId, 'killed'],
    ])
    expect(points[0]?.doubles?.[0]).toBe(40)

    // delivered again (at least once): nothing more
    await consumeIndex(batch([done, other]).batch, { ...env, METRICS })
    expect(points).toHaveLength(2)
  })

  it('a write that throws is logged; the batch is written and acked all the same', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const summary = summaryFixture({ id: crypto.randomUUID(), flowId: uniqueId(), status: 'completed', createdAt: 7 })
      const broken = {
        writeDataPoint: () => {
          throw new Error('too many blobs')
        },
      }
      const { batch: made, fake } = batch([summary])
      await consumeIndex(made, { ...env, METRICS: broken })
      expect(fake).toEqual({ acked: 1, retried: 0 })
      const row = await env.DB.prepare('SELECT status FROM executions WHERE id = ?').bind(summary.id).first()
      expect(row).toEqual({ status: 'completed' })
      expect(warnings.mock.calls.map(([written]) => loggedLine(written))).toContainEqual(
        expect.objectContaining({ event: 'metrics_write_failed', executionId: summary.id, error: 'too many blobs' }),
      )
    } finally {
      warnings.mockRestore()
    }
  })
})
