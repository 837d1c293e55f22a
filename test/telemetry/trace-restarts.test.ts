/**
 * Traces across restarts (README, Traces, Delivery): an execution whose object is reset mid-run
 * still exports each of its spans once, the interrupted attempt among them; a reset after the trace
 * queue took the trace but before the object crossed its debt out sends it again from the alarm —
 * the documented at-least-once — with the same ids and the same content, so a backend can
 * deduplicate. The spans are decoded by the collector on 127.0.0.1 with OpenTelemetry's schema.
 */
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { TRACE_TIMER } from '../../src/core/timers'
import type { TraceMessage } from '../../src/telemetry/export'
import { call, finished, putFlow, uniqueId, waitFor } from '../helpers/api'
import { attr, type DecodedSpan } from '../helpers/decoded-trace'
import { crash, dueNow, endDelay, hangingOnce } from '../helpers/engine'
import { collectorEndpoint, newTraceId, receivedExports, spansIn } from '../helpers/otlp-collector'

const RECEIVER = `otlp-restarts-${crypto.randomUUID()}`
const queue = env.OTEL_QUEUE as Queue<TraceMessage>
const CALLER_SPAN = 'b7ad6b7169203331'

beforeAll(() => {
  Object.assign(env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorEndpoint(RECEIVER),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
    OTEL_EXPORTER_OTLP_HEADERS: undefined,
  })
})

afterEach(() => {
  Object.assign(env, { OTEL_QUEUE: queue })
})

/** Starts `definition` by webhook in trace `traceId`: its execution id. */
async function startTraced(definition: object, traceId: string): Promise<string> {
  const flowId = uniqueId('restarted')
  await putFlow(flowId, definition)
  const response = await call('POST', `/hooks/${flowId}`, {}, { traceparent: `00-${traceId}-${CALLER_SPAN}-01` })
  return response.headers.get('x-execution-id') as string
}

/** The spans of the trace once its execution's span arrived. */
async function exported(traceId: string): Promise<DecodedSpan[]> {
  let spans: DecodedSpan[] = []
  await vi.waitUntil(
    async () => {
      spans = spansIn(await receivedExports(RECEIVER), traceId)
      return spans.some((span) => span.parentSpanId === CALLER_SPAN)
    },
    { timeout: 15_000, interval: 50 },
  )
  return spans
}

/** The spans an ended execution owes: itself, each task run, each attempt. */
const expectedSpans = (detail: { taskRuns: { attempts: unknown[] }[] }) =>
  1 + detail.taskRuns.length + detail.taskRuns.reduce((sum, run) => sum + run.attempts.length, 0)

/** Spans with the same id are copies of one span (at-least-once): they must be equal. */
function distinct(spans: readonly DecodedSpan[]): DecodedSpan[] {
  const byId = Map.groupBy(spans, (span) => span.spanId)
  for (const copies of byId.values()) for (const copy of copies) expect(copy).toEqual(copies[0])
  return [...byId.values()].map((copies) => copies[0] as DecodedSpan)
}

describe('traces across restarts', () => {
  it('a reset mid-execution loses no span and doubles none', async () => {
    const key = uniqueId('inflight')
    const traceId = newTraceId()
    const executionId = await startTraced(
      {
        tasks: [
          hangingOnce(key),
          { id: 'nap', type: 'delay', duration: '1h' },
          { id: 'after', type: 'set', values: { done: true } },
        ],
      },
      traceId,
    )
    // reset while the first attempt hangs, and again while the delay waits
    await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'running')
    await crash(executionId)
    const delayed = await waitFor(executionId, (e) => e.status === 'delayed' && e.taskRuns[1]?.taskId === 'nap')
    await crash(executionId)
    await endDelay(executionId, delayed.taskRuns[1].id)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')

    const spans = await exported(traceId)
    expect(spans).toHaveLength(expectedSpans(done))
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length)
    const callRun = spans.find((span) => span.name === 'http call') as DecodedSpan
    const attempts = spans.filter((span) => span.parentSpanId === callRun.spanId)
    expect(attempts.map((span) => [attr(span, 'edgeflow.attempt'), span.status.code])).toEqual([
      [1, 2],
      [2, 0],
    ])
    expect(attempts[0]?.status.message).toContain('interrupted')
  })

  it('a reset after the queue took the trace sends it again from the alarm, the same spans with the same ids', async () => {
    // the queue takes this trace, then the object is reset before it hears so: the debt stays in storage
    const traceId = newTraceId()
    const { promise: taken, resolve } = Promise.withResolvers<void>()
    /** Lets the queue take what it is sent; this trace's send then never returns (the object is reset meanwhile). */
    const taking = async (sent: unknown, take: () => Promise<unknown>) => {
      await take()
      // another execution's trace (of a file before this one) goes on as usual
      if (!JSON.stringify(sent).includes(traceId)) return
      resolve()
      await new Promise<never>(() => undefined)
    }
    Object.assign(env, {
      OTEL_QUEUE: {
        send: (body: TraceMessage, options?: QueueSendOptions) => taking(body, () => queue.send(body, options)),
        sendBatch: (messages: MessageSendRequest<TraceMessage>[]) => taking(messages, () => queue.sendBatch(messages)),
      },
    })
    const executionId = await startTraced({ tasks: [{ id: 'only', type: 'set', values: { x: 1 } }] }, traceId)
    const done = await waitFor(executionId, finished)
    await taken
    Object.assign(env, { OTEL_QUEUE: queue })
    const first = await exported(traceId)
    expect(first).toHaveLength(expectedSpans(done))
    await crash(executionId)

    // the trace timer (30 s after the end) made due now: the alarm sends the trace once more
    await dueNow(executionId, TRACE_TIMER)
    let spans: DecodedSpan[] = []
    await vi.waitUntil(
      async () => (spans = spansIn(await receivedExports(RECEIVER), traceId)).length >= 2 * first.length,
      { timeout: 15_000, interval: 50 },
    )
    expect(distinct(spans)).toEqual(distinct(first))
  })
})
