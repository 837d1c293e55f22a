/** @module `/api/executions`: list from D1, everything else from the execution's own object. */
import { OpenAPIHono } from '@hono/zod-openapi'
import type * as z from 'zod'
import { listExecutions } from '../store/d1/executions'
import { countExecutions } from '../store/d1/stats'
import { adhocRun } from './adhoc'
import { bulk } from './bulk'
import { control, missing, refused, remove, replay, replayRevision, stubOf } from './execution-ops'
import type { Env } from '../env'
import { parseOr400, refuseInvalid } from './errors'
import { AdhocRun, LogLine } from '../shapes/responses'
import {
  adhocRunRoute,
  controlRoute,
  countExecutionsRoute,
  deleteExecutionRoute,
  getExecutionRoute,
  listExecutionsRoute,
  listLogsRoute,
  downloadLogsRoute,
  LogDownloadQuery,
  listTaskRunsRoute,
  replayRoute,
  ReplayBody,
  sendEventRoute,
  taskRunTotalsRoute,
} from './routes/executions'
import { encodeCursor } from './cursor'
import { ndjsonPages } from './ndjson'
import type { LogFilter } from '../store/execution/store'
import { JSON_BODY, readBody, requireMediaType } from './input'
import { acceptedParts, EXECUTION_HEADER } from './accepted'
import { iso, summaryView } from '../shapes/views'

export const executions = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })
// request bodies the handlers parse themselves (nesting bounded first): declared by reference
executions.openAPIRegistry.register('ReplayRequest', ReplayBody)
executions.openAPIRegistry.register('AdhocRun', AdhocRun)

executions.openapi(adhocRunRoute, adhocRun)

executions.openapi(listExecutionsRoute, async (c) => {
  const query = c.req.valid('query')
  const rows = await listExecutions(c.env.DB, { ...query, labels: query.label })
  const last = rows.at(-1)
  return c.json(
    {
      items: rows.map(summaryView),
      nextCursor: rows.length === query.limit && last ? encodeCursor(last) : null,
    },
    200,
  )
})

// before `/{id}`, which would take `counts` for an id
executions.openapi(countExecutionsRoute, async (c) => {
  const { since, binMs } = c.req.valid('query')
  const items = (await countExecutions(c.env.DB, since, binMs)).map(({ bin, status, count }) => ({
    start: new Date(bin * binMs).toISOString(),
    status,
    count,
  }))
  return c.json({ binMs, items }, 200)
})

// before `/{id}/kill`, which would take `bulk` for an id
executions.route('/bulk', bulk)

executions.openapi(getExecutionRoute, async (c) => {
  const { id } = c.req.valid('param')
  const detail = await stubOf(c.env, id).detail()
  if (!detail) throw missing(id)
  return c.json(detail, 200, { [EXECUTION_HEADER]: id })
})

executions.openapi(listTaskRunsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const query = c.req.valid('query')
  const page = await stubOf(c.env, id).taskRuns(query.cursor, query.limit)
  if (!page) throw missing(id)
  return c.json(page, 200, { [EXECUTION_HEADER]: id })
})

/** Task runs after the `after` id counted by task and status, with their time span (ISO). */
executions.openapi(taskRunTotalsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const query = c.req.valid('query')
  const totals = await stubOf(c.env, id).taskRunTotals(query.after)
  if (!totals) throw missing(id)
  const items = totals.map((total) => ({
    ...total,
    firstStartedAt: iso(total.firstStartedAt),
    lastEndedAt: iso(total.lastEndedAt),
  }))
  return c.json({ items }, 200, { [EXECUTION_HEADER]: id })
})

for (const action of ['kill', 'pause', 'resume'] as const) {
  executions.openapi(controlRoute(action), async (c) => {
    const { id } = c.req.valid('param')
    const { body, headers } = acceptedParts(c, id, await control(c.env, id, action))
    return c.json(body, 202, headers)
  })
}

/** Deletes a final execution for good: 204, or 409 `not_final` while it runs. */
executions.openapi(deleteExecutionRoute, async (c) => {
  const { id } = c.req.valid('param')
  await remove(c.env, id)
  return c.body(null, 204, { [EXECUTION_HEADER]: id })
})

executions.openapi(sendEventRoute, async (c) => {
  const { id, name } = c.req.valid('param')
  const payload = await readBody(c.req.raw)
  const result = await stubOf(c.env, id).event(name, payload)
  if (!result.ok) refused(id, result)
  const { body, headers } = acceptedParts(c, id, result.status)
  return c.json({ ...body, event: name, delivered: result.delivered ?? false }, 202, headers)
})

const LEVELS = LogLine.shape.level.options

/** The object's filter for a query's selection of lines. */
const logFilter = (query: z.output<typeof LogDownloadQuery>, afterId: number, limit: number): LogFilter => ({
  afterId,
  limit,
  taskId: query.taskId,
  taskRunId: query.taskRunId,
  text: query.q,
  // a level filter keeps that level and the more severe ones
  levels: query.level === undefined ? undefined : LEVELS.slice(LEVELS.indexOf(query.level)),
})

executions.openapi(listLogsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const query = c.req.valid('query')
  const page = await stubOf(c.env, id).logs(logFilter(query, query.cursor, query.limit))
  if (!page) throw missing(id)
  return c.json(page, 200, { [EXECUTION_HEADER]: id })
})

/** Lines read from the object per call while a download streams (an execution keeps 10,000 at most). */
const DOWNLOAD_PAGE = 1_000

executions.openapi(downloadLogsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const query = c.req.valid('query')
  const stub = stubOf(c.env, id)
  // the first page before the answer: a missing execution is a 404, not an empty download
  const first = await stub.logs(logFilter(query, 0, DOWNLOAD_PAGE))
  if (!first) throw missing(id)
  const body = ndjsonPages(first, async (cursor) => {
    const page = await stub.logs(logFilter(query, Number(cursor), DOWNLOAD_PAGE))
    // deleted while it streamed: the download ends with the lines it had
    return page ?? { items: [], nextCursor: null }
  })
  return c.body(body, 200, {
    [EXECUTION_HEADER]: id,
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="${id}-logs.ndjson"`,
  })
})

executions.openapi(replayRoute, async (c) => {
  const { id } = c.req.valid('param')
  await requireMediaType(c.req.raw, JSON_BODY)
  const body = parseOr400(ReplayBody, await readBody(c.req.raw), 'invalid_request', 'replay request')
  const result = await replay(c.env, id, body.fromTaskId, (flowId) => replayRevision(c.env, flowId, body.revision))
  const { body: accepted, headers } = acceptedParts(c, result.executionId, result.status)
  const { revision, fromTaskId, reused } = result
  return c.json({ ...accepted, replayOf: id, revision, fromTaskId, reused }, 201, headers)
})
