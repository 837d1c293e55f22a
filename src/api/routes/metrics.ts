/** @module The metrics routes (docs/observability.md, Metrics), declared with their requests and answers (the handlers: api/metrics.ts). */
import { createRoute } from '@hono/zod-openapi'
import * as z from 'zod'
import { parseDuration } from '../../domain/duration'
import { FlowId } from '../../domain/flow-ids'
import { ExecutionMetrics } from '../../shapes/responses'
import { bucketCount } from '../../shapes/metrics'
import { errors, json, Time } from './common'
import { MAX_COUNT_BINS } from './executions'

const HOUR_MS = 3_600_000
export const MIN_BUCKET_MS = 1_000
export const MAX_BUCKET_MS = 31 * 24 * HOUR_MS

const Bucket = z
  .string()
  .transform((value, ctx) => {
    const ms = /^\d+$/.test(value) ? Number(value) : parseDuration(value)
    if (ms === null || ms < MIN_BUCKET_MS || ms > MAX_BUCKET_MS) {
      ctx.addIssue({ code: 'custom', message: 'a duration from 1s to 31d: "1m", "15m", "1h", "1d", "PT5M" or ms' })
      return z.NEVER
    }
    return ms
  })
  .openapi({
    type: 'string',
    description: 'the width of a bucket: "1m", "1h", "1d", "PT15M" or milliseconds (default 1h)',
  })

export const MetricsQuery = z
  .strictObject({
    from: Time.optional().openapi({ description: 'the start of the window (default: 24 hours before `to`)' }),
    to: Time.optional().openapi({ description: 'the end of the window, excluded (default: now)' }),
    bucket: Bucket.optional(),
  })
  .transform(({ from, to, bucket }) => {
    const end = to ?? Date.now()
    return { from: from ?? end - 24 * HOUR_MS, to: end, bucketMs: bucket ?? HOUR_MS }
  })
  .superRefine(({ from, to, bucketMs }, ctx) => {
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must come before `to`' })
    else if (bucketCount(from, to, bucketMs) > MAX_COUNT_BINS)
      ctx.addIssue({
        code: 'custom',
        path: ['bucket'],
        message: `the window spans more than ${MAX_COUNT_BINS} buckets: widen the bucket or narrow the window`,
      })
  })

const description =
  'Executions created in the window, by bucket of creation time: how many ended in each final status, how many have not ended yet, and the p50/p95/p99 of the ended ones’ durations. Read from the index (eventually consistent).'

export const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  summary: 'Counts by final status and duration percentiles of every execution, per time bucket',
  description,
  tags: ['metrics'],
  request: { query: MetricsQuery },
  responses: { 200: json('the metrics, from the index', ExecutionMetrics), ...errors([400, 401]) },
})

export const flowMetricsRoute = createRoute({
  method: 'get',
  path: '/flows/{id}/metrics',
  operationId: 'getFlowMetrics',
  summary: 'Counts by final status and duration percentiles of a flow’s executions, per time bucket',
  description,
  tags: ['metrics'],
  request: { params: z.object({ id: FlowId }), query: MetricsQuery },
  responses: { 200: json('the metrics, from the index', ExecutionMetrics), ...errors([400, 401, 404]) },
})
