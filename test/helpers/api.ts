/** Helpers for tests that go through the Worker's HTTP API. */
import { env, exports } from 'cloudflare:workers'
import { expect, vi } from 'vitest'
import { FINAL_EXECUTION } from '../../src/core/transitions'
import { INDEX_DEAD_LETTERS } from '../../src/objects/index-queue'
import { upsertMessage } from '../../src/store/d1/index-batch'
import type { ExecutionSummary } from '../../src/store/d1/schema'
import { loggedLine } from './logs'

export const BASE = 'http://edgeflow.test'

export function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } }
  if (body !== undefined) {
    const raw = typeof body === 'string' || body instanceof Uint8Array
    init.body = raw ? body : JSON.stringify(body)
    if (!raw) (init.headers as Record<string, string>)['content-type'] = 'application/json'
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

/** The paths a PUT of `definition` is refused with (400 invalid_flow). */
export async function flowRefusedPaths(definition: object): Promise<string[]> {
  const response = await call('PUT', `/api/flows/${uniqueId()}`, definition)
  expect(response.status).toBe(400)
  const body = await json(response)
  expect(body.error.code).toBe('invalid_flow')
  return body.error.issues.map((issue: { path: string }) => issue.path)
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

/** The summary of a made-up execution, as an object sends it to the index queue. */
export const summaryFixture = (fields: Partial<ExecutionSummary> & { id: string }): ExecutionSummary => ({
  flowId: 'fixture',
  revision: 1,
  status: 'completed',
  trigger: 'manual',
  mode: 'async',
  createdAt: 1,
  startedAt: null,
  endedAt: null,
  durationMs: null,
  outputStatus: null,
  errorType: null,
  errorTaskId: null,
  errorMessage: null,
  replayOf: null,
  parentExecutionId: null,
  labels: null,
  reactsTo: null,
  reactionDepth: 0,
  version: 1,
  ...fields,
})

/**
 * Resolves once the index queue has delivered what was sent to it before: a marker summary sent now
 * is in D1 (the local queue delivers in order), then it is removed. For checks that nothing was indexed.
 */
export async function indexSettled(): Promise<void> {
  const id = `settled_${crypto.randomUUID()}`
  const marker = summaryFixture({ id, flowId: '__index_settled', createdAt: 0 })
  await env.INDEX_QUEUE.send(upsertMessage(marker))
  const row = env.DB.prepare('SELECT id FROM executions WHERE id = ?').bind(id)
  await vi.waitUntil(async () => (await row.first()) !== null, { timeout: 5_000, interval: 10 })
  await env.DB.prepare('DELETE FROM executions WHERE id = ?').bind(id).run()
}

/** Polls the D1 list (which the index queue updates within a moment) until `done` holds for its page. */
export async function listedWhere(query: string, done: (page: any) => boolean): Promise<any> {
  let page: any
  await vi.waitUntil(
    async () => {
      page = await json(call('GET', `/api/executions?${query}`))
      return done(page)
    },
    { timeout: 5_000, interval: 20 },
  )
  return page
}

/** Polls the D1 list (which the index queue updates within a moment) until it holds `count` items. */
export const listed = (query: string, count: number): Promise<any> =>
  listedWhere(query, (page) => page.items.length === count)

/**
 * Watches the index consumer's failures (it logs each batch D1 refused, with its queue). `wentRound`
 * resolves once a batch failed on the dead-letter queue and then one failed on the index queue
 * again: what D1 refused went through every retry and was sent once more (handed back to its
 * object, or a deletion sent again).
 */
export function watchIndexFailures(): { wentRound: () => Promise<void> } {
  const spy = vi.spyOn(console, 'error')
  const failedQueues = () =>
    spy.mock.calls.flatMap(
      ([written]) => /^index batch of \d+ failed \(([\w-]+)\)/.exec(loggedLine(written)?.message ?? '')?.[1] ?? [],
    )
  return {
    wentRound: async () => {
      try {
        await vi.waitUntil(
          () => {
            const queues = failedQueues()
            const dead = queues.indexOf(INDEX_DEAD_LETTERS)
            return dead !== -1 && queues.slice(dead + 1).some((queue) => queue !== INDEX_DEAD_LETTERS)
          },
          { timeout: 10_000, interval: 10 },
        )
      } finally {
        spy.mockRestore()
      }
    },
  }
}
