/** @module The bulk routes of `/api/executions/bulk/…`: kill, replay or delete many executions, named by ids or by a filter of the list (the handler: api/bulk.ts). */
import { createRoute } from '@hono/zod-openapi'
import * as z from 'zod'
import { BulkResult } from '../../shapes/responses'
import { errors, json, NoQuery } from './common'
import { ListQuery } from './executions'

/** The most executions one bulk request acts on: ids sent, or executions a filter matches. */
export const MAX_BULK = 500

/** How many executions a bulk request acts on at once. */
export const BULK_CONCURRENCY = 16

/** The filters of `GET /api/executions`, without its page. */
export const BulkFilter = ListQuery.omit({ limit: true, cursor: true }).openapi('ExecutionFilter')

export const BulkRequest = z
  .strictObject({
    ids: z
      .array(z.string().min(1).max(256))
      .min(1)
      .max(MAX_BULK, `at most ${MAX_BULK} ids in one request`)
      .optional()
      .openapi({ description: `the executions, by id (at most ${MAX_BULK}; each acted on once)` }),
    filter: BulkFilter.optional().openapi({
      description: `every execution the list would show with these filters (400 when more than ${MAX_BULK} match)`,
    }),
  })
  .refine((request) => (request.ids === undefined) !== (request.filter === undefined), {
    message: 'send either ids or filter',
    path: ['ids'],
  })
  .openapi('BulkRequest')

export type BulkAction = z.infer<typeof BulkResult>['action']

const SUMMARIES: Record<BulkAction, string> = {
  kill: 'Kill many executions',
  replay: 'Replay many executions, each from the task that failed, on its flow’s latest revision',
  delete: 'Delete many executions that ended',
}

export const bulkRoute = (action: BulkAction) =>
  createRoute({
    method: 'post',
    path: `/${action}`,
    operationId: `bulk${action[0]?.toUpperCase()}${action.slice(1)}Executions`,
    summary: SUMMARIES[action],
    description: `Each execution is ${action === 'delete' ? 'deleted' : `${action}ed`} as its own route would, independently: the answer is 200 with one result per execution, done or refused with the code and message that route would answer. At most ${MAX_BULK} executions per request, ${BULK_CONCURRENCY} at a time.`,
    tags: ['executions'],
    request: {
      query: NoQuery,
      body: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/BulkRequest' } } },
      },
    },
    responses: {
      200: json('one result per execution', BulkResult),
      ...errors([400, 401, 413, 415], { 400: `invalid request, more than ${MAX_BULK} ids, or a filter matching more` }),
    },
  })
