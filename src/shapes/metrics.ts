/**
 * @module The metrics answer (docs/observability.md, Metrics) built from the buckets D1 holds (pure):
 * every bucket of the window, those without executions as zeros, so that a chart needs no gaps filled.
 */
import type { MetricsQuery, MetricsRow } from '../store/d1/metrics'
import type { ExecutionMetrics } from './responses'

export function metricsView(rows: readonly MetricsRow[], query: MetricsQuery): ExecutionMetrics {
  const { flowId, from, to, bucketMs } = query
  const byBucket = new Map(rows.map((row) => [row.bucket, row]))
  const first = Math.floor(from / bucketMs)
  const buckets = Array.from({ length: Math.max(0, bucketCount(from, to, bucketMs)) }, (_, index) => {
    const row = byBucket.get(first + index)
    const counts = {
      completed: row?.completed ?? 0,
      warning: row?.warning ?? 0,
      failed: row?.failed ?? 0,
      killed: row?.killed ?? 0,
      running: row?.running ?? 0,
    }
    return {
      start: new Date((first + index) * bucketMs).toISOString(),
      counts,
      total: Object.values(counts).reduce((sum, count) => sum + count, 0),
      durationMs:
        row && row.p50 !== null && row.p95 !== null && row.p99 !== null
          ? { p50: row.p50, p95: row.p95, p99: row.p99 }
          : null,
    }
  })
  return {
    flowId: flowId ?? null,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucketMs,
    buckets,
  }
}

/** How many buckets a window spans. */
export const bucketCount = (from: number, to: number, bucketMs: number): number =>
  Math.floor((to - 1) / bucketMs) - Math.floor(from / bucketMs) + 1
