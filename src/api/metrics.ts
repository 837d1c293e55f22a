/** @module `/api/metrics` and `/api/flows/{id}/metrics` (docs/observability.md, Metrics): read from the D1 index. */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Env } from '../env'
import { getFlow } from '../store/d1/flows'
import { executionMetrics } from '../store/d1/metrics'
import { metricsView } from '../shapes/metrics'
import { notFound, refuseInvalid } from './errors'
import { flowMetricsRoute, metricsRoute } from './routes/metrics'

export const metrics = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })

metrics.openapi(metricsRoute, async (c) => {
  const query = c.req.valid('query')
  return c.json(metricsView(await executionMetrics(c.env.DB, query), query), 200)
})

metrics.openapi(flowMetricsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const query = { ...c.req.valid('query'), flowId: id }
  const [flow, rows] = await Promise.all([getFlow(c.env.DB, id), executionMetrics(c.env.DB, query)])
  if (!flow) throw notFound(`flow ${id}`)
  return c.json(metricsView(rows, query), 200)
})
