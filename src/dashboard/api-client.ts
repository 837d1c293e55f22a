/**
 * @module The dashboard's way to the REST API: requests handed to the API's own Hono app in the
 * same isolate, authorised with the API token once the session is checked. Pages read through the
 * typed client (openapi-fetch over the client's generated schema.ts, so each read is typed by the
 * OpenAPI document) and operations send as any API client would: the same routes, validation and errors.
 */
import createFetchClient, { type Client } from 'openapi-fetch'
import type { Context, ExecutionContext } from 'hono'
import type { paths } from '../client/schema'
import type { Env } from '../env'
import type { ApiProblem } from './api-types'

/** The API app's fetch (the Worker's own). */
export type ApiFetch = (request: Request, env: Env, ctx: ExecutionContext | undefined) => Response | Promise<Response>

export type ApiResult<T> = { ok: true; status: number; data: T; headers: Headers } | { ok: false; problem: ApiProblem }

export interface Api {
  /** The REST API, typed by its OpenAPI document; `read` turns an answer into an `ApiResult`. */
  client: Client<paths>
  /** Any request, answered as the API answers it. */
  send(method: string, path: string, body?: string, contentType?: string): Promise<Response>
}

function executionContext(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx
  } catch {
    // no execution context (some test harnesses): the API does not need one
    return undefined
  }
}

/** The problem in an API error body (`{"error": {code, message, issues?}}`), or its text as the message. */
function problemIn(status: number, body: unknown): ApiProblem {
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : null
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return { ...(error as Omit<ApiProblem, 'status'>), status }
  }
  const text = typeof body === 'string' ? body : ''
  return { status, code: 'error', message: text || `HTTP ${status}` }
}

/** The problem in a non-2xx API answer. */
export async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text()
  try {
    return problemIn(response.status, JSON.parse(text))
  } catch {
    // not JSON: the text is the message
    return problemIn(response.status, text)
  }
}

/** A typed read's data, or the API's error as a value. */
export async function read<D>(
  pending: Promise<{ data?: D; error?: unknown; response: Response }>,
): Promise<ApiResult<D>> {
  const { data, error, response } = await pending
  if (!response.ok || data === undefined) return { ok: false, problem: problemIn(response.status, error) }
  return { ok: true, status: response.status, data, headers: response.headers }
}

export function apiFor(c: Context<{ Bindings: Env }>, apiFetch: ApiFetch): Api {
  const authorization: Record<string, string> = c.env.API_TOKEN ? { authorization: `Bearer ${c.env.API_TOKEN}` } : {}
  const fetch = (request: Request) => Promise.resolve(apiFetch(request, c.env, executionContext(c)))
  const send = (method: string, path: string, body?: string, contentType = 'application/json') => {
    const headers = new Headers({ accept: 'application/json', ...authorization })
    if (body !== undefined) headers.set('content-type', contentType)
    return fetch(new Request(new URL(path, c.req.url), { method, headers, ...(body === undefined ? {} : { body }) }))
  }
  const client = createFetchClient<paths>({ baseUrl: new URL(c.req.url).origin, fetch, headers: authorization })
  return { client, send }
}
