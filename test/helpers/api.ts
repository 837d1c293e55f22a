/** Helpers for tests that go through the Worker's HTTP API. */
import { env, exports } from 'cloudflare:workers'
import { vi } from 'vitest'
import { FINAL_EXECUTION } from '../../src/core/transitions'

export const BASE = 'http://edgeflow.test'

export function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    if (typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] = 'application/json'
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, init))
}

export async function json<T = any>(response: Response | Promise<Response>): Promise<T> {
  return (await response).json() as Promise<T>
}

/** A flow id unique to this test (storage is shared by the tests of a file). */
export const uniqueId = (prefix = 'flow') => `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`

export async function putFlow(id: string, definition: unknown): Promise<any> {
  const response = await call('PUT', `/api/flows/${id}`, definition)
  if (response.status >= 300) throw new Error(`PUT flow ${id}: ${response.status} ${await response.text()}`)
  return response.json()
}

export const execution = (id: string) => json(call('GET', `/api/executions/${id}`))

/** Polls the execution until `done` holds for it. */
export async function waitFor(id: string, done: (execution: any) => boolean, timeout = 10_000): Promise<any> {
  let last: any
  await vi.waitUntil(
    async () => {
      last = await execution(id)
      return done(last)
    },
    { timeout, interval: 20 },
  )
  return last
}

export const finished = (execution: any) => FINAL_EXECUTION.has(execution.status)

export const target = (path: string) => `${env.TARGET_URL}${path}`

/** Polls the D1 list (which lags the objects by a few milliseconds) until it holds `count` items. */
export async function listed(query: string, count: number): Promise<any> {
  let page: any
  await vi.waitUntil(
    async () => {
      page = await json(call('GET', `/api/executions?${query}`))
      return page.items.length === count
    },
    { timeout: 5_000, interval: 20 },
  )
  return page
}
