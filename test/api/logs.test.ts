/**
 * An execution's log lines searched and downloaded: `q` (text in the message), `taskRunId` (one
 * run's lines) on GET /api/executions/:id/logs, and every matching line as NDJSON from
 * GET /api/executions/:id/logs.ndjson.
 */
import { describe, expect, it } from 'vitest'
import { ndjsonPages } from '../../src/api/ndjson'
import { call, finished, json, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import { contractProblems } from '../helpers/contract'

interface Line {
  id: number
  message: string
  taskId: string | null
  taskRunId: number | null
  attempt: number | null
}

/** An ended execution whose log holds 'Hello World', a note, and a retried call's lines. */
async function loggedExecution(): Promise<{ executionId: string; lines: Line[] }> {
  const flowId = uniqueId('logs')
  await putFlow(flowId, {
    tasks: [
      { id: 'hello', type: 'log', message: 'Hello World, 100% sure' },
      { id: 'note', type: 'log', message: 'a note', level: 'warn' },
      { id: 'call', type: 'http', url: target('/status/503'), retry: { maxAttempts: 2, delay: '10ms' } },
    ],
  })
  const started = await call('POST', `/api/flows/${flowId}/executions`, {})
  const executionId = started.headers.get('x-execution-id') as string
  await waitFor(executionId, finished)
  const { items } = await json<{ items: Line[] }>(call('GET', `/api/executions/${executionId}/logs?level=debug`))
  return { executionId, lines: items }
}

/** A body as text (workerd warns on .text() of NDJSON, a type it does not know as text). */
const textOf = async (response: Response) => new TextDecoder().decode(await response.arrayBuffer())

const messages = (lines: readonly Line[]) => lines.map((line) => line.message)

describe('log search', () => {
  it('finds the lines holding a text, in any case of ASCII, % as written (no wildcard of LIKE)', async () => {
    const { executionId } = await loggedExecution()
    const search = async (query: string) =>
      (await json<{ items: Line[] }>(call('GET', `/api/executions/${executionId}/logs?${query}`))).items
    expect(messages(await search('q=hello%20world'))).toEqual(['Hello World, 100% sure'])
    expect(messages(await search(`q=${encodeURIComponent('100%')}`))).toEqual(['Hello World, 100% sure'])
    expect(messages(await search(`q=${encodeURIComponent('%')}`))).toEqual(['Hello World, 100% sure'])
    expect(messages(await search('q=NOTE&level=warn'))).toEqual(['a note'])
    expect(await search('q=note&level=error')).toEqual([])
  })

  it("keeps one task run's lines, each of its attempts", async () => {
    const { executionId, lines } = await loggedExecution()
    const runId = lines.find((line) => line.taskId === 'call')?.taskRunId
    expect(runId).toBeTypeOf('number')
    const { items } = await json<{ items: Line[] }>(
      call('GET', `/api/executions/${executionId}/logs?level=debug&taskRunId=${runId}`),
    )
    expect(items.length).toBeGreaterThan(1)
    expect(new Set(items.map((line) => line.taskRunId))).toEqual(new Set([runId]))
    expect(new Set(items.map((line) => line.attempt))).toEqual(new Set([1, 2]))
  })

  it('refuses an empty or too long text and a run id that is not one: 400 naming the field', async () => {
    const { executionId } = await loggedExecution()
    for (const [query, field] of [
      ['q=', 'q'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['taskRunId=first', 'taskRunId'],
      ['taskRunId=0', 'taskRunId'],
    ] as const) {
      for (const path of [
        `/api/executions/${executionId}/logs?${query}`,
        `/api/executions/${executionId}/logs.ndjson?${query}`,
      ]) {
        const response = await call('GET', path)
        expect(response.status, path).toBe(400)
        expect(await contractProblems('GET', path, response.clone()), path).toEqual([])
        const { error } = await json(response)
        expect(error, path).toMatchObject({ code: 'invalid_request', issues: [{ path: field }] })
        expect(error.message, path).toBeTypeOf('string')
      }
    }
  })
})

describe('log download', () => {
  it('is every line as NDJSON, an attachment, the same lines the pages hold', async () => {
    const { executionId, lines } = await loggedExecution()
    const path = `/api/executions/${executionId}/logs.ndjson?level=debug`
    const response = await call('GET', path)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${executionId}-logs.ndjson"`)
    expect(response.headers.get('x-execution-id')).toBe(executionId)
    expect(await contractProblems('GET', path, response.clone())).toEqual([])
    const text = await textOf(response)
    expect(text.endsWith('\n')).toBe(true)
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(lines)
  })

  it('takes the filters of the pages', async () => {
    const { executionId } = await loggedExecution()
    const text = await textOf(await call('GET', `/api/executions/${executionId}/logs.ndjson?q=world&taskId=hello`))
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).message),
    ).toEqual(['Hello World, 100% sure'])
    const none = await call('GET', `/api/executions/${executionId}/logs.ndjson?q=nowhere`)
    expect(none.status).toBe(200)
    expect(await textOf(none)).toBe('')
  })

  it('is a 404 for an execution that does not exist', async () => {
    const path = `/api/executions/${'0'.repeat(64)}/logs.ndjson`
    const response = await call('GET', path)
    expect(response.status).toBe(404)
    expect(await contractProblems('GET', path, response.clone())).toEqual([])
    expect((await json(response)).error.code).toBe('not_found')
  })

  it('reads page after page only as the reader pulls', async () => {
    const asked: string[] = []
    const pages = [
      { items: [{ n: 3 }], nextCursor: '3' },
      { items: [], nextCursor: null },
    ]
    const stream = ndjsonPages({ items: [{ n: 1 }, { n: 2 }], nextCursor: '2' }, async (cursor) => {
      asked.push(cursor)
      return pages.shift() ?? { items: [], nextCursor: null }
    })
    const reader = stream.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('{"n":1}\n{"n":2}\n')
    expect(asked.length).toBeLessThanOrEqual(1)
    const rest: string[] = []
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest.push(new TextDecoder().decode(chunk.value))
    }
    expect(rest.join('')).toBe('{"n":3}\n')
    expect(asked).toEqual(['2', '3'])
  })
})
