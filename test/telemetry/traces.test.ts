/**
 * Traces through the Worker (README, Traces): a webhook carrying `traceparent` starts a flow with a
 * parallel, a foreach, a subflow, a retried http call and a failure; its spans and its child's reach
 * an OTLP collector on 127.0.0.1 (bench/target.ts `/otlp/<key>/v1/traces`), which decodes every
 * export with OpenTelemetry's own schema (bench/otlp-decode.ts), not edgeflow's encoder. They come
 * as one trace under the caller's span, nested like the task tree, with the http attempt's
 * `traceparent` seen by the target.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { call, finished, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import { attr, type DecodedSpan, spanTree } from '../helpers/decoded-trace'
import { collectorEndpoint, receivedExports, spansIn } from '../helpers/otlp-collector'
import { CHILD_FLOW, tracedFlow } from '../helpers/traced-flow'
import { loggedLine } from '../helpers/logs'

const RECEIVER = `otlp-${crypto.randomUUID()}`
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'

beforeAll(() => {
  Object.assign(env, {
    // the base URL: the exporter posts to <endpoint>/v1/traces
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorEndpoint(RECEIVER),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=test%20key',
    OTEL_SERVICE_NAME: 'edgeflow-test',
  })
})

/** Every span the collector decoded so far (of trace `traceId` if given), with the headers it was sent with. */
async function received(traceId?: string): Promise<DecodedSpan[]> {
  const posts = await receivedExports(RECEIVER)
  for (const post of posts) expect(post.headers['x-honeycomb-team']).toBe('test key')
  // a batch may also carry spans the files before this one left in the trace queue, named as they were then
  const ours = posts
    .flatMap((post) => post.request.resourceSpans)
    .filter((resource) => resource.scopeSpans.some((scope) => scope.spans.some((span) => span.traceId === traceId)))
  for (const resource of ours) {
    expect(resource.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'edgeflow-test' },
    })
  }
  return spansIn(posts, traceId)
}

/** The trace of the first test, siblings in the order of their text (parallel branches may start in any order). */
const TREE = `
execution <flow> · SERVER · ERROR "it broke" · events: exception
├─ fail boom · INTERNAL · ERROR "it broke" · events: exception
│  └─ attempt 1 · INTERNAL · ERROR "it broke" · events: exception
├─ http flaky · INTERNAL · events: back-off, retry
│  ├─ GET · CLIENT · attempt 1 · http 503 · ERROR "GET <target>/flaky answered 503" · events: exception
│  └─ GET · CLIENT · attempt 2 · http 200
├─ parallel fan · INTERNAL
│  ├─ attempt 1 · INTERNAL
│  ├─ foreach each · INTERNAL
│  │  ├─ attempt 1 · INTERNAL
│  │  ├─ set double · INTERNAL · iteration 0
│  │  │  └─ attempt 1 · INTERNAL
│  │  └─ set double · INTERNAL · iteration 1
│  │     └─ attempt 1 · INTERNAL
│  └─ http echo · INTERNAL
│     └─ GET · CLIENT · attempt 1 · http 200
└─ subflow child · INTERNAL
   └─ attempt 1 · INTERNAL
      └─ execution <child> · INTERNAL
         └─ set inner · INTERNAL
            └─ attempt 1 · INTERNAL
`.trim()

describe('traces', () => {
  it('exports one trace per execution, nested like the task tree, under the caller’s span', async () => {
    const childId = uniqueId('child')
    await putFlow(childId, CHILD_FLOW)
    const flowId = uniqueId('traced')
    await putFlow(flowId, tracedFlow(target(''), childId, uniqueId('flaky')))
    const response = await call(
      'POST',
      `/hooks/${flowId}`,
      { hello: 1 },
      {
        traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
        tracestate: 'vendor=abc',
      },
    )
    const executionId = response.headers.get('x-execution-id') as string
    expect(executionId).toBeTruthy()
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')

    let spans: DecodedSpan[] = []
    await vi.waitUntil(
      async () => {
        spans = await received(CALLER_TRACE)
        return spans.filter((span) => span.name.startsWith('execution')).length === 2
      },
      { timeout: 15_000, interval: 50 },
    )
    // every span once, all in the caller's trace, none with a secret or a query string
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length)
    const text = JSON.stringify(spans)
    expect(text).not.toContain('sk_test_5e1f0a9c3b7d2468')
    expect(text).not.toContain('token=')
    expect(text).not.toContain('?fail=')

    // the whole tree as OpenTelemetry's schema decoded it: one root under the caller's span, the child inside
    const names = (name: string) =>
      name.replaceAll(flowId, '<flow>').replaceAll(childId, '<child>').replaceAll(target(''), '<target>')
    expect(spans.filter((span) => !spans.some((parent) => parent.spanId === span.parentSpanId))).toHaveLength(1)
    expect(spanTree(spans, { names, byLine: true })).toBe(TREE)

    // task ids are unique across the two flows: a run span is the one with the task's id and a run id
    const runSpan = (taskId: string) =>
      spans.find(
        (span) => attr(span, 'edgeflow.task.id') === taskId && attr(span, 'edgeflow.task_run.id') !== undefined,
      )
    const execution = spans.find((span) => attr(span, 'edgeflow.execution.id') === executionId) as DecodedSpan
    expect(execution.parentSpanId).toBe(CALLER_SPAN)
    expect(execution.traceState).toBe('vendor=abc')
    expect(execution.kind).toBe(2) // SERVER: a webhook
    expect(execution.status.code).toBe(2) // ERROR
    expect(attr(execution, 'edgeflow.flow.id')).toBe(flowId)
    expect(attr(execution, 'edgeflow.execution.status')).toBe('failed')
    expect(attr(execution, 'error.type')).toBe('fail_task')

    const fan = runSpan('fan')
    expect(fan?.parentSpanId).toBe(execution.spanId)
    const echo = runSpan('echo')
    expect(echo?.parentSpanId).toBe(fan?.spanId)
    const each = runSpan('each')
    expect(each?.parentSpanId).toBe(fan?.spanId)
    const doubles = spans.filter(
      (span) => attr(span, 'edgeflow.task.id') === 'double' && attr(span, 'edgeflow.task_run.id'),
    )
    expect(doubles.map((span) => span.parentSpanId)).toEqual([each?.spanId, each?.spanId])
    expect(doubles.map((span) => attr(span, 'edgeflow.task_run.iteration')).sort()).toEqual([0, 1])

    // the http attempt: a CLIENT span without the query, and the traceparent the target received names it
    const echoAttempt = spans.find((span) => span.parentSpanId === echo?.spanId) as DecodedSpan
    expect(echoAttempt.kind).toBe(3)
    expect(attr(echoAttempt, 'http.request.method')).toBe('GET')
    expect(attr(echoAttempt, 'url.full')).toBe(target('/echo'))
    expect(attr(echoAttempt, 'http.response.status_code')).toBe(200)
    const echoed = done.taskRuns.find((run: { taskId: string }) => run.taskId === 'echo').output.body.headers
    expect(echoed.traceparent).toBe(`00-${CALLER_TRACE}-${echoAttempt.spanId}-01`)
    expect(echoed.tracestate).toBe('vendor=abc')

    // the retry: two attempt spans, the first failed with 503, and retry and back-off events on the run
    const flakyRun = runSpan('flaky') as DecodedSpan
    const flakyAttempts = spans.filter((span) => span.parentSpanId === flakyRun.spanId)
    expect(flakyAttempts.map((span) => [attr(span, 'edgeflow.attempt'), span.status.code])).toEqual([
      [1, 2],
      [2, 0],
    ])
    expect(attr(flakyAttempts[0], 'http.response.status_code')).toBe(503)
    expect(flakyRun.events.map((event) => event.name)).toEqual(['back-off', 'retry'])

    // the failure: its run and the execution are errors with an exception event
    const boom = runSpan('boom') as DecodedSpan
    expect(boom.status).toEqual({ code: 2, message: 'it broke' })
    expect(boom.events.map((event) => event.name)).toContain('exception')

    // the subflow's child: its execution span hangs under the subflow attempt, in the same trace
    const subflowRun = runSpan('child') as DecodedSpan
    const subflowAttempt = spans.find((span) => span.parentSpanId === subflowRun.spanId) as DecodedSpan
    const childExecution = spans.find(
      (span) => attr(span, 'edgeflow.flow.id') === childId && attr(span, 'edgeflow.execution.id'),
    ) as DecodedSpan
    expect(childExecution.parentSpanId).toBe(subflowAttempt.spanId)
    expect(attr(childExecution, 'edgeflow.execution.trigger')).toBe('subflow')
    expect(childExecution.kind).toBe(1)
    expect(
      spans.some((span) => attr(span, 'edgeflow.task.id') === 'inner' && span.parentSpanId === childExecution.spanId),
    ).toBe(true)
  })

  it('starts a trace of its own without a traceparent, and a malformed one is ignored', async () => {
    const flowId = uniqueId('own')
    await putFlow(flowId, { mode: 'sync', tasks: [{ id: 'echo', type: 'http', url: target('/echo') }] })
    const response = await call('POST', `/hooks/${flowId}`, {}, { traceparent: '00-zz-nope-01' })
    const executionId = response.headers.get('x-execution-id') as string
    const done = await waitFor(executionId, finished)
    const sent = done.taskRuns[0].output.body.headers.traceparent as string
    const [, traceId] = sent.split('-')
    expect(traceId).not.toBe(CALLER_TRACE)
    let spans: DecodedSpan[] = []
    await vi.waitUntil(async () => (spans = await received(traceId as string)).length >= 3, {
      timeout: 15_000,
      interval: 50,
    })
    const execution = spans.find((span) => attr(span, 'edgeflow.execution.id') === executionId)
    expect(execution?.parentSpanId).toBe('')
    expect(execution?.status.code).toBe(0)
  })
})

describe('a replay', () => {
  it('links to the execution it replays, in that one’s trace', async () => {
    const flowId = uniqueId('replayed')
    await putFlow(flowId, { tasks: [{ id: 'boom', type: 'fail', message: 'once' }] })
    const callerTrace = '0af7651916cd43dd8448eb211c80319c'
    const started = await call('POST', `/hooks/${flowId}`, {}, { traceparent: `00-${callerTrace}-b7ad6b7169203331-01` })
    const original = (await started.json()) as { executionId: string }
    await waitFor(original.executionId, finished)
    const replayed = await call('POST', `/api/executions/${original.executionId}/replay`, {})
    expect(replayed.status).toBe(201)
    const { executionId } = (await replayed.json()) as { executionId: string }
    await waitFor(executionId, finished)
    let replaySpan: DecodedSpan | undefined
    let originalSpan: DecodedSpan | undefined
    await vi.waitUntil(
      async () => {
        const spans = await received()
        replaySpan = spans.find((span) => attr(span, 'edgeflow.execution.id') === executionId)
        originalSpan = spans.find((span) => attr(span, 'edgeflow.execution.id') === original.executionId)
        return replaySpan !== undefined && originalSpan !== undefined
      },
      { timeout: 15_000, interval: 50 },
    )
    expect(originalSpan?.traceId).toBe(callerTrace)
    expect(replaySpan?.traceId).not.toBe(callerTrace)
    expect(replaySpan?.links).toMatchObject([{ traceId: callerTrace, spanId: originalSpan?.spanId, attributes: [] }])
  })
})

describe('an unreachable or refusing collector', () => {
  it('changes nothing for the executions; their spans are retried, then dropped and counted', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const lines = (spy: typeof warnings, event: string) =>
      spy.mock.calls.map((call) => loggedLine(call[0])).filter((line) => line?.event === event)
    const flowId = uniqueId('unreachable')
    await putFlow(flowId, {
      mode: 'sync',
      tasks: [
        { id: 'a', type: 'set', values: { x: 1 } },
        { id: 'r', type: 'return', body: { ok: true } },
      ],
    })
    try {
      // nothing listens on port 9: the execution answers as ever, the consumer retries its spans
      Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })
      const response = await call('POST', `/hooks/${flowId}`, {})
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ ok: true })
      expect((await waitFor(response.headers.get('x-execution-id') as string, finished)).status).toBe('completed')
      await vi.waitUntil(() => lines(warnings, 'trace_export_retry').length > 0, { timeout: 15_000, interval: 50 })
      expect(lines(warnings, 'trace_export_retry')[0]?.reason).toContain('could not be reached')

      // a collector that refuses the batch (400): the spans are dropped at once, and the loss counted
      Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: target('/status/400') })
      const refused = await call('POST', `/hooks/${flowId}`, {})
      expect(refused.status).toBe(200)
      await vi.waitUntil(() => lines(errors, 'trace_export_dropped').length > 0, { timeout: 15_000, interval: 50 })
      // at least this execution's 5 spans: itself, two runs, two attempts
      expect(lines(errors, 'trace_export_dropped')[0]).toMatchObject({
        level: 'error',
        reason: 'the collector answered 400',
        spans: expect.toSatisfy((spans: number) => spans >= 5),
      })
    } finally {
      Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: collectorEndpoint(RECEIVER) })
      warnings.mockRestore()
      errors.mockRestore()
    }
  })
})
