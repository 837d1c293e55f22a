/**
 * @module The list's bulk operation: the form of the bulk bar (ids ticked, or every execution the
 * page's filter matches) sent to `POST /api/executions/bulk/<action>`, one API request.
 */
import type { ExecutionFilter } from '../client/types'
import type { Api } from './api-client'
import { problemOf } from './api-client'
import type { ApiProblem, BulkResult } from './api-types'
import { apiQuery, filterOf } from './pages/executions-page'

export const BULK_ACTIONS = ['kill', 'replay', 'delete'] as const
export type BulkAction = (typeof BULK_ACTIONS)[number]

/** The bulk bar's form: `action`, `scope` (`selected` or `filter`), `query` (the list's), `id` repeated. */
export interface BulkForm {
  action: string
  scope: string
  query: string
  ids: string[]
}

const refusal = (message: string, path: string): ApiProblem => ({
  status: 400,
  code: 'invalid_request',
  message,
  issues: [{ path, message }],
})

/** The API filter of the list page's query string (its page left out). */
export function filterOfQuery(query: string, now: number): ExecutionFilter {
  const {
    limit: _limit,
    cursor: _cursor,
    ...filter
  } = apiQuery(filterOf(Object.fromEntries(new URLSearchParams(query))), now)
  return filter
}

/** The API's per-execution results, or the problem with the request as a whole. */
export async function bulk(
  api: Api,
  form: BulkForm,
  now: number,
): Promise<{ ok: true; action: BulkAction; result: BulkResult } | { ok: false; problem: ApiProblem }> {
  const action = BULK_ACTIONS.find((known) => known === form.action)
  if (!action) return { ok: false, problem: refusal(`no bulk action "${form.action}"`, 'action') }
  const request =
    form.scope === 'filter'
      ? { filter: filterOfQuery(form.query, now) }
      : form.ids.length > 0
        ? { ids: form.ids }
        : null
  if (!request)
    return { ok: false, problem: refusal('tick executions first, or choose all that match the filter', 'id') }
  const response = await api.send('POST', `/api/executions/bulk/${action}`, JSON.stringify(request))
  if (!response.ok) return { ok: false, problem: await problemOf(response) }
  return { ok: true, action, result: (await response.json()) as BulkResult }
}
