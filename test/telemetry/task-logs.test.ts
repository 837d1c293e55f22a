/**
 * An execution's own log lines (GET /api/executions/:id/logs) carry, while tracing is on, the trace
 * of the execution and the span they were written in — their attempt's, else their run's, else the
 * execution's — the ids its exported spans have (domain/trace-context.ts); with tracing off, null.
 */
import { env } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attemptSpanId, executionSpanId } from '../../src/domain/trace-context'
import { call, finished, json, putFlow, target, uniqueId, waitFor } from '../helpers/api'

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c'
const TRACES_ENDPOINT = 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
let before: unknown

beforeAll(() => {
  before = (env as unknown as Record<string, unknown>)[TRACES_ENDPOINT]
  Object.assign(env, { [TRACES_ENDPOINT]: target(`/capture?key=logs-${crypto.randomUUID()}`) })
})

afterAll(() => {
  Object.assign(env, { [TRACES_ENDPOINT]: before })
})

interface Line {
  message: string
  taskId: string | null
  taskRunId: number | null
  attempt: number | null
  traceId: string | null
  spanId: string | null
}

async function runLogged(flowId: string, headers: Record<string, string> = {}) {
  const started = await call('POST', `/hooks/${flowId}`, {}, headers)
  const executionId = started.headers.get('x-execution-id') as string
  await waitFor(executionId, finished)
  const { items } = await json<{ items: Line[] }>(call('GET', `/api/executions/${executionId}/logs?level=debug`))
  return { executionId, lines: items }
}

describe('task logs', () => {
  it('carry the trace and the span of their attempt', async () => {
    const flowId = uniqueId('logged')
    await putFlow(flowId, {
      tasks: [
        { id: 'say', type: 'log', message: 'hello' },
        { id: 'call', type: 'http', url: target('/status/503'), retry: { maxAttempts: 2, delay: '10ms' } },
      ],
    })
    const { executionId, lines } = await runLogged(flowId, {
      traceparent: `00-${CALLER_TRACE}-b7ad6b7169203331-01`,
    })
    expect(lines.length).toBeGreaterThan(4)
    for (const line of lines) expect(line.traceId).toBe(CALLER_TRACE)
    const hello = lines.find((line) => line.message === 'hello')
    expect(hello).toMatchObject({ taskId: 'say', attempt: 1 })
    expect(hello?.spanId).toBe(attemptSpanId(executionId, hello?.taskRunId ?? -1, 1))
    // the engine's notes of the retried run: each in the attempt it is about
    const call1 = lines.filter((line) => line.taskId === 'call')
    const attemptOf = (text: string) => call1.find((line) => line.message.startsWith(text))
    for (const [text, attempt] of [
      ['attempt 1 started', 1],
      ['attempt 1 failed', 1],
      ['attempt 2 started', 2],
      ['failed after 2 attempt(s)', 2],
    ] as const) {
      const line = attemptOf(text)
      expect(line?.attempt, text).toBe(attempt)
      expect(line?.spanId, text).toBe(attemptSpanId(executionId, line?.taskRunId ?? -1, attempt))
    }
    // a line of the execution itself
    const start = lines.find((line) => line.message.startsWith('execution started'))
    expect(start).toMatchObject({ taskRunId: null, attempt: null, spanId: executionSpanId(executionId) })
  })

  it('carry none while tracing is off', async () => {
    Object.assign(env, { [TRACES_ENDPOINT]: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: undefined })
    try {
      const flowId = uniqueId('untraced')
      await putFlow(flowId, { tasks: [{ id: 'say', type: 'log', message: 'hello' }] })
      const { lines } = await runLogged(flowId)
      const hello = lines.find((line) => line.message === 'hello')
      expect(hello).toMatchObject({ taskId: 'say', attempt: 1, traceId: null, spanId: null })
    } finally {
      Object.assign(env, { [TRACES_ENDPOINT]: target(`/capture?key=logs-${crypto.randomUUID()}`) })
    }
  })
})
