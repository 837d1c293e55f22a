/** @module `/api/executions`: list from D1, everything else from the execution's own object. */
import { OpenAPIHono } from '@hono/zod-openapi'
import { listExecutions } from '../store/d1/executions'
import { countExecutions } from '../store/d1/stats'
import { resolveRevision } from '../store/d1/resolve-revision'
import { executionObjectId, newExecutionId } from '../objects/stubs'
import { adhocRun } from './adhoc'
import type { Failure } from '../objects/contract'
import type { Env } from '../env'
import { ApiError, parseOr400, refuseInvalid } from './errors'
import { AdhocRun, LogLine } from '../shapes/responses'
import {
  adhocRunRoute,
  controlRoute,
  countExecutionsRoute,
  deleteExecutionRoute,
  getExecutionRoute,
  listExecutionsRoute,
  listLogsRoute,
  listTaskRunsRoute,
  replayRoute,
  ReplayBody,
  sendEventRoute,
  taskRunTotalsRoute,
} from './routes/executions'
import { encodeCursor } from './cursor'
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

/** 404 for an execution id, which the answer still names. */
const missing = (id: string) =>
  new ApiError({
    status: 404,
    code: 'not_found',
    message: `execution ${id} not found`,
    headers: { [EXECUTION_HEADER]: id },
  })

/** The object of an execution id; a malformed id is simply not found, and no object is reached. */
function stubOf(env: Env, id: string) {
  const objectId = executionObjectId(env, id)
  if (!objectId) throw missing(id)
  return env.EXECUTIONS.get(objectId)
}

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

/** Why the object refused a request: 404, or 409 with its reason. */
function refused(id: string, failure: Failure): never {
  if (failure.code === 'not_found') throw missing(id)
  throw new ApiError({
    status: 409,
    code: failure.code === 'not_final' ? 'not_final' : 'conflict',
    message: failure.message,
    headers: { [EXECUTION_HEADER]: id },
  })
}

for (const action of ['kill', 'pause', 'resume'] as const) {
  executions.openapi(controlRoute(action), async (c) => {
    const { id } = c.req.valid('param')
    const result = await stubOf(c.env, id)[action]()
    if (!result.ok) refused(id, result)
    const { body, headers } = acceptedParts(c, id, result.status)
    return c.json(body, 202, headers)
  })
}

/** Deletes a final execution for good: 204, or 409 `not_final` while it runs. */
executions.openapi(deleteExecutionRoute, async (c) => {
  const { id } = c.req.valid('param')
  const result = await stubOf(c.env, id).remove()
  if (!result.ok) refused(id, result)
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

executions.openapi(listLogsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const query = c.req.valid('query')
  const page = await stubOf(c.env, id).logs({
    afterId: query.cursor,
    limit: query.limit,
    taskId: query.taskId,
    // a level filter keeps that level and the more severe ones
    levels: query.level === undefined ? undefined : LEVELS.slice(LEVELS.indexOf(query.level)),
  })
  if (!page) throw missing(id)
  return c.json(page, 200, { [EXECUTION_HEADER]: id })
})

executions.openapi(replayRoute, async (c) => {
  const { id } = c.req.valid('param')
  await requireMediaType(c.req.raw, JSON_BODY)
  const body = parseOr400(ReplayBody, await readBody(c.req.raw), 'invalid_request', 'replay request')
  const stub = stubOf(c.env, id)
  const owner = await stub.flowId()
  if (owner === null) throw missing(id)
  const { flowId } = owner
  if (flowId === null)
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: `execution ${id} is an ad-hoc run of no stored flow: run it again with POST /api/executions`,
    })
  const revision = await replayRevision(c.env, flowId, body.revision)
  const executionId = newExecutionId(c.env)
  const result = await stub.replay({ executionId, ...revision, fromTaskId: body.fromTaskId })
  if (!result.ok) {
    if (result.code === 'invalid')
      throw new ApiError({
        status: 400,
        code: 'invalid_request',
        message: result.message,
        issues: [{ path: 'fromTaskId', message: result.message }],
      })
    refused(id, result)
  }
  const { body: accepted, headers } = acceptedParts(c, executionId, result.status)
  const replay = { replayOf: id, revision: revision.revision, fromTaskId: result.fromTaskId, reused: result.reused }
  return c.json({ ...accepted, ...replay }, 201, headers)
})

/**
 * The revision a replay runs: the one asked for, or the flow's latest. A replay is a new execution
 * of the flow, so a disabled flow refuses it as it refuses a subflow (see resolveRevision): 409,
 * since a PUT of the flow enables it again. A flow deleted for good, or a revision it never had: 400.
 */
async function replayRevision(env: Env, flowId: string, revision: number | undefined) {
  const resolved = await resolveRevision(env.DB, flowId, revision)
  if (resolved.ok) return { revision: resolved.revision, definition: resolved.definition }
  const { code, message } = resolved
  if (code === 'disabled') throw new ApiError({ status: 409, code: 'conflict', message })
  const issues = code === 'no_revision' ? [{ path: 'revision', message: 'no such revision' }] : undefined
  throw new ApiError({ status: 400, code: 'invalid_request', message, issues })
}
