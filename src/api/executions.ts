/** @module `/api/executions`: list from D1, everything else from the execution's own object. */
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { type ExecutionSummary } from '../store/d1/schema'
import { listExecutions } from '../store/d1/executions'
import { resolveRevision } from '../store/d1/resolve-revision'
import { executionObjectId, newExecutionId } from '../objects/stubs'
import { ExecutionStatus, Trigger } from '../domain/types'
import { adhocRun } from './adhoc'
import type { ControlResult } from '../objects/contract'
import type { Env } from '../env'
import { FlowId } from '../flow/ids'
import { ApiError, parseOr400 } from './errors'
import { readBody } from './input'
import { EXECUTION_HEADER } from './trigger'
import { iso, summaryView } from './views'

export const executions = new Hono<{ Bindings: Env }>()

/** base64url text, or '' when the value is not base64url. */
function fromBase64Url(value: string): string {
  try {
    return atob(value.replaceAll('-', '+').replaceAll('_', '/'))
  } catch {
    // not base64: the cursor is invalid, which the caller reports
    return ''
  }
}

const Cursor = z.string().transform((value, ctx) => {
  const [createdAt, id] = fromBase64Url(value).split('|')
  if (!id || !Number.isSafeInteger(Number(createdAt))) {
    ctx.addIssue({ code: 'custom', message: 'invalid cursor' })
    return z.NEVER
  }
  return { createdAt: Number(createdAt), id }
})

const encodeCursor = (row: ExecutionSummary) =>
  btoa(`${row.createdAt}|${row.id}`).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')

const Time = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value))

export const ListQuery = z.object({
  flowId: FlowId.optional(),
  trigger: Trigger.optional(),
  status: ExecutionStatus.optional(),
  parentId: z.string().optional(),
  since: Time.optional(),
  until: Time.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: Cursor.optional(),
})

executions.post('/', adhocRun)

executions.get('/', async (c) => {
  const query = parseOr400(ListQuery, c.req.query(), 'invalid_request', 'query')
  const rows = await listExecutions(c.env.DB, query)
  const last = rows.at(-1)
  return c.json({
    items: rows.map(summaryView),
    nextCursor: rows.length === query.limit && last ? encodeCursor(last) : null,
  })
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

executions.get('/:id', async (c) => {
  const id = c.req.param('id')
  const detail = await stubOf(c.env, id).detail()
  if (!detail) throw missing(id)
  return c.json(detail, 200, { [EXECUTION_HEADER]: id })
})

export const PageQuery = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(500),
})

executions.get('/:id/task-runs', async (c) => {
  const id = c.req.param('id')
  const query = parseOr400(PageQuery, c.req.query(), 'invalid_request', 'query')
  const page = await stubOf(c.env, id).taskRuns(query.cursor, query.limit)
  if (!page) throw missing(id)
  return c.json(page, 200, { [EXECUTION_HEADER]: id })
})

export const TotalsQuery = z.object({ after: z.coerce.number().int().min(0).default(0) })

/** Task runs after the `after` id counted by task and status, with their time span (ISO). */
executions.get('/:id/task-runs/totals', async (c) => {
  const id = c.req.param('id')
  const query = parseOr400(TotalsQuery, c.req.query(), 'invalid_request', 'query')
  const totals = await stubOf(c.env, id).taskRunTotals(query.after)
  if (!totals) throw missing(id)
  const items = totals.map((total) => ({
    ...total,
    firstStartedAt: iso(total.firstStartedAt),
    lastEndedAt: iso(total.lastEndedAt),
  }))
  return c.json({ items }, 200, { [EXECUTION_HEADER]: id })
})

/** A control request answered by the object: 202 with the status, or 404 / 409 with why not. */
function controlled(c: Context<{ Bindings: Env }>, id: string, result: ControlResult, extra: object = {}): Response {
  const headers = { [EXECUTION_HEADER]: id }
  if (result.ok) return c.json({ executionId: id, status: result.status, ...extra }, 202, headers)
  if (result.code === 'not_found') throw missing(id)
  throw new ApiError({
    status: 409,
    code: result.code === 'not_final' ? 'not_final' : 'conflict',
    message: result.message,
    headers,
  })
}

for (const action of ['kill', 'pause', 'resume'] as const) {
  executions.post(`/:id/${action}`, async (c) => {
    const id = c.req.param('id')
    return controlled(c, id, await stubOf(c.env, id)[action]())
  })
}

/** Deletes a final execution for good: 204, or 409 `not_final` while it runs. */
executions.delete('/:id', async (c) => {
  const id = c.req.param('id')
  const result = await stubOf(c.env, id).remove()
  if (!result.ok) return controlled(c, id, result)
  return c.body(null, 204, { [EXECUTION_HEADER]: id })
})

const EventName = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'event names hold letters, digits and _ . : - (128 at most)')

executions.post('/:id/events/:name', async (c) => {
  const id = c.req.param('id')
  const name = parseOr400(EventName, c.req.param('name'), 'invalid_request', 'event name')
  const payload = await readBody(c.req.raw)
  const result = await stubOf(c.env, id).event(name, payload)
  return controlled(c, id, result, result.ok ? { event: name, delivered: result.delivered } : {})
})

const LEVELS = ['debug', 'info', 'warn', 'error'] as const

export const LogQuery = z.object({
  taskId: z.string().optional(),
  level: z.enum(LEVELS).optional(),
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

executions.get('/:id/logs', async (c) => {
  const id = c.req.param('id')
  const query = parseOr400(LogQuery, c.req.query(), 'invalid_request', 'query')
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

export const ReplayBody = z.strictObject({
  fromTaskId: z.string().optional(),
  revision: z.int().min(1).optional(),
})

executions.post('/:id/replay', async (c) => {
  const id = c.req.param('id')
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
    return controlled(c, id, result)
  }
  const statusUrl = new URL(`/api/executions/${executionId}`, c.req.url).toString()
  return c.json(
    {
      executionId,
      replayOf: id,
      revision: revision.revision,
      fromTaskId: result.fromTaskId,
      reused: result.reused,
      statusUrl,
    },
    201,
    { location: statusUrl, [EXECUTION_HEADER]: executionId },
  )
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
