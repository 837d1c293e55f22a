/**
 * @module Metrics over the D1 index (docs/observability.md, Metrics): the executions created in a
 * window, by time bucket — how many ended in each final status, how many have not ended yet, and the
 * nearest-rank percentiles of the ended ones' durations — in one statement read through the index of
 * creation times (per flow: `executions_flow_created`), like the chart's counts (stats.ts).
 */
import { FINAL_EXECUTION } from '../../core/transitions'

/** The percentiles computed, in percent. */
export const PERCENTILES = [50, 95, 99] as const

/** One bucket as D1 answers it: `bucket` is `created_at / bucketMs`; percentiles null when nothing ended. */
export interface MetricsRow {
  bucket: number
  completed: number
  warning: number
  failed: number
  killed: number
  /** Created in the bucket and not ended yet (any status not final). */
  running: number
  p50: number | null
  p95: number | null
  p99: number | null
}

export interface MetricsQuery {
  /** One flow's executions; undefined: every execution (ad-hoc runs too). */
  flowId?: string | undefined
  from: number
  to: number
  bucketMs: number
}

const FINAL_LIST = [...FINAL_EXECUTION].map((status) => `'${status}'`).join(', ')

const countOf = (status: string) => `sum(status = '${status}') AS ${status}`

/**
 * `?1` the bucket's width (a number D1 binds as a real: cast, for an integer division), `?2`/`?3` the window [from, to), `?4` the flow. The rank of percentile p
 * among n durations sorted is the smallest whose `rank * 100 >= n * p` (nearest rank).
 */
const metricsSql = (perFlow: boolean) => `WITH created AS (
  SELECT created_at / CAST(?1 AS INTEGER) AS bucket, status, duration_ms
  FROM executions
  WHERE ${perFlow ? 'flow_id = ?4 AND ' : ''}created_at >= ?2 AND created_at < ?3
),
ranked AS (
  SELECT bucket, duration_ms,
    row_number() OVER (PARTITION BY bucket ORDER BY duration_ms) AS rank,
    count(*) OVER (PARTITION BY bucket) AS n
  FROM created
  WHERE status IN (${FINAL_LIST}) AND duration_ms IS NOT NULL
),
percentiles AS (
  SELECT bucket, ${PERCENTILES.map((p) => `min(CASE WHEN rank * 100 >= n * ${p} THEN duration_ms END) AS p${p}`).join(', ')}
  FROM ranked GROUP BY bucket
)
SELECT created.bucket AS bucket, ${[...FINAL_EXECUTION].map(countOf).join(', ')},
  sum(status NOT IN (${FINAL_LIST})) AS running, ${PERCENTILES.map((p) => `percentiles.p${p} AS p${p}`).join(', ')}
FROM created LEFT JOIN percentiles ON percentiles.bucket = created.bucket
GROUP BY created.bucket
ORDER BY created.bucket`

const PER_FLOW = metricsSql(true)
const EVERY_FLOW = metricsSql(false)

/** The buckets of the window that hold executions, oldest first. */
export async function executionMetrics(d1: D1Database, query: MetricsQuery): Promise<MetricsRow[]> {
  const { flowId, from, to, bucketMs } = query
  const statement =
    flowId === undefined
      ? d1.prepare(EVERY_FLOW).bind(bucketMs, from, to)
      : d1.prepare(PER_FLOW).bind(bucketMs, from, to, flowId)
  const { results } = await statement.all<MetricsRow>()
  return results
}
