/**
 * @module What a flow test's mocks answer (docs/testing-flows.md): the result a mocked task's
 * attempt gets instead of its action, and the response a mocked http request gets instead of the
 * network. Pure; the runtime's test harness asks.
 */
import type { ActionResult } from '../actions/define'
import { parseDuration } from '../domain/duration'
import type { HttpMock, Mocks, TaskMock } from './document'

/** The mock of attempt `attempt` (from 1) of task `taskId`: one per attempt, the last repeating; null when none. */
export function taskMockFor(mocks: Mocks, taskId: string, attempt: number): TaskMock | null {
  const mock = mocks.tasks[taskId]
  if (mock === undefined) return null
  if (!Array.isArray(mock)) return mock
  return mock[Math.min(attempt, mock.length) - 1] ?? null
}

/** The result a mock stands for. */
export function mockedResult(mock: TaskMock): ActionResult {
  const failed = mock.status === 'failed' || (mock.status === undefined && mock.error !== undefined)
  if (!failed) return { kind: 'completed', output: mock.output ?? null }
  return { kind: 'failed', error: mock.error ?? { type: 'internal', message: 'mocked failure' } }
}

/** The first http mock matching the request, or null. */
export function httpMockFor(mocks: readonly HttpMock[], method: string, url: string): HttpMock | null {
  return mocks.find((mock) => (mock.method ?? method) === method && globMatches(mock.url, url)) ?? null
}

/** Whether `text` matches `pattern`, where `*` stands for any text (no regular expression: linear in practice). */
export function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split('*')
  const first = parts[0] as string
  const last = parts.at(-1) as string
  if (parts.length === 1) return pattern === text
  if (!text.startsWith(first) || !text.endsWith(last) || text.length < first.length + last.length) return false
  let at = first.length
  const end = text.length - last.length
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at)
    if (found === -1 || found + part.length > end) return false
    at = found + part.length
  }
  return true
}

/** The virtual milliseconds a mock's response takes (its `delay`, validated as a duration). */
export const mockDelayMs = (mock: HttpMock): number => (mock.delay === undefined ? 0 : (parseDuration(mock.delay) ?? 0))

/** The response a mock answers with: a string body as it is, any other as JSON. */
export function mockResponse(mock: HttpMock): Response {
  const headers = new Headers(mock.headers)
  let body: string | null = null
  if (typeof mock.body === 'string') body = mock.body
  else if (mock.body !== undefined) {
    body = JSON.stringify(mock.body)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  }
  // statuses without a body (204, 304) refuse one
  const empty = mock.status === 204 || mock.status === 205 || mock.status === 304
  return new Response(empty ? null : body, { status: mock.status, headers })
}
