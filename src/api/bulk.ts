/**
 * @module `/api/executions/bulk/{kill,replay,delete}`: one operation on many executions, each as
 * its own route would do it (api/execution-ops.ts), so each is done or refused on its own.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Env } from '../env'
import { listExecutions } from '../store/d1/executions'
import { ApiError, parseOr400, refuseInvalid } from './errors'
import { control, remove, replay, replayRevision, type ReplayRevision } from './execution-ops'
import { JSON_BODY, readBody, requireMediaType } from './input'
import { BULK_CONCURRENCY, type BulkAction, BulkFilter, BulkRequest, bulkRoute, MAX_BULK } from './routes/bulk'
import type { z } from '@hono/zod-openapi'
import type { BulkItem } from '../shapes/responses'
import { log } from '../log'

export const bulk = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })
bulk.openAPIRegistry.register('BulkRequest', BulkRequest)

type Item = z.infer<typeof BulkItem>
type Done = Omit<Extract<Item, { ok: true }>, 'id' | 'ok'>

/** The ids of the executions a filter matches, newest first; more than MAX_BULK is a 400. */
async function matching(env: Env, filter: z.output<typeof BulkFilter>): Promise<string[]> {
  const rows = await listExecutions(env.DB, { ...filter, labels: filter.label, limit: MAX_BULK + 1 })
  if (rows.length > MAX_BULK) {
    const message = `the filter matches more than ${MAX_BULK} executions: narrow it, or send ids`
    throw new ApiError({ status: 400, code: 'invalid_request', message, issues: [{ path: 'filter', message }] })
  }
  return rows.map((row) => row.id)
}

/** One execution's result: what the operation did, or why its route would refuse. */
async function settle(id: string, operation: () => Promise<Done>): Promise<Item> {
  try {
    return { id, ok: true, ...(await operation()) }
  } catch (error) {
    if (error instanceof ApiError) return { id, ok: false, error: { code: error.code, message: error.message } }
    // one object failing must not lose the others' results: it is reported in its place
    log.error('bulk operation failed', { executionId: id }, error)
    return { id, ok: false, error: { code: 'internal', message: 'internal error' } }
  }
}

/** `operation` over `items`, at most `limit` at a time, the results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, operation: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await operation(items[index] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** What each action does to one execution; a replay resolves each flow's latest revision once. */
function operationOf(env: Env, action: BulkAction): (id: string) => Promise<Done> {
  switch (action) {
    case 'kill':
      return async (id) => ({ status: await control(env, id, 'kill') })
    case 'delete':
      return async (id) => {
        await remove(env, id)
        return {}
      }
    case 'replay': {
      const revisions = new Map<string, Promise<ReplayRevision>>()
      const latest = (flowId: string) => {
        const known = revisions.get(flowId) ?? replayRevision(env, flowId, undefined)
        revisions.set(flowId, known)
        return known
      }
      return async (id) => {
        const { executionId, status, revision, fromTaskId } = await replay(env, id, undefined, latest)
        return { status, executionId, revision, fromTaskId }
      }
    }
  }
}

for (const action of ['kill', 'replay', 'delete'] as const) {
  bulk.openapi(bulkRoute(action), async (c) => {
    await requireMediaType(c.req.raw, JSON_BODY)
    const request = parseOr400(BulkRequest, await readBody(c.req.raw), 'invalid_request', 'bulk request')
    const ids = request.filter ? await matching(c.env, request.filter) : [...new Set(request.ids)]
    const operation = operationOf(c.env, action)
    const results = await mapBounded(ids, BULK_CONCURRENCY, (id) => settle(id, () => operation(id)))
    return c.json({ action, matched: ids.length, results }, 200)
  })
}
