/**
 * @module The dashboard's way to the REST API: requests handed to the API's own Hono app in the
 * same isolate, authorised with the API token once the session is checked. Pages and actions go
 * through the same routes, validation and errors as any API client.
 */
import type { Context, ExecutionContext } from 'hono'
import type { Env } from '../env'
import type { ApiProblem } from './api-types'

/** The API app's fetch (the Worker's own). */
export type ApiFetch = (request: Request, env: Env, ctx: ExecutionContext | undefined) => Response | Promise<Response>

export type ApiResult<T> = { ok: true; status: number; data: T; headers: Headers } | { ok: false; problem: ApiProblem }

export interface Api {
  /** A JSON read; a non-2xx answer is the API's error as a value. */
  get<T>(path: string): Promise<ApiResult<T>>
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

/** The problem in a non-2xx API answer. */
export async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text()
  try {
    const body = JSON.parse(text) as { error?: Omit<ApiProblem, 'status'> }
    if (body.error?.message) return { status: response.status, ...body.error }
  } catch {
    // not JSON: the text is the message
  }
  return { status: response.status, code: 'error', message: text || `HTTP ${response.status}` }
}

export function apiFor(c: Context<{ Bindings: Env }>, apiFetch: ApiFetch): Api {
  const send = (method: string, path: string, body?: string, contentType = 'application/json') => {
    const headers = new Headers({ accept: 'application/json' })
    if (c.env.API_TOKEN) headers.set('authorization', `Bearer ${c.env.API_TOKEN}`)
    if (body !== undefined) headers.set('content-type', contentType)
    const request = new Request(new URL(path, c.req.url), { method, headers, ...(body === undefined ? {} : { body }) })
    return Promise.resolve(apiFetch(request, c.env, executionContext(c)))
  }
  return {
    send,
    async get<T>(path: string): Promise<ApiResult<T>> {
      const response = await send('GET', path)
      if (!response.ok) return { ok: false, problem: await problemOf(response) }
      return { ok: true, status: response.status, data: (await response.json()) as T, headers: response.headers }
    },
  }
}
