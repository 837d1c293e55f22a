/** The pure parts of tracing: W3C trace context, an execution's spans, their parts, the exporter's settings. */
import { describe, expect, it } from 'vitest'
import {
  attemptSpanId,
  executionSpanId,
  fnv64,
  ownTraceId,
  parseTraceparent,
  traceRootOf,
} from '../../src/domain/trace-context'
import { encodeSpans, executionSpans } from '../../src/telemetry/spans'
import { MAX_SPANS, TraceFacts, traceFacts, traceMessages, withoutQueries } from '../../src/telemetry/trace-facts'
import { exportHeaders, outcomeOf, retryDelaySeconds, tracesEndpoint } from '../../src/telemetry/export'
import { Span } from '../../src/telemetry/otlp'
import { tracedExecution } from './fixtures'
import { taskRun as run } from '../helpers/task-run'

describe('trace context', () => {
  it('reads a valid traceparent and refuses malformed ones', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', ' k=v ')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      traceState: 'k=v',
    })
    for (const bad of [
      undefined,
      '',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
      '00-4bf92f35-00f067aa0ba902b7-01',
    ])
      expect(parseTraceparent(bad)).toBeNull()
    // a later version may carry more fields
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra')?.parentSpanId).toBe(
      '00f067aa0ba902b7',
    )
  })

  it('derives stable, distinct ids', () => {
    expect(ownTraceId('e1')).toMatch(/^[0-9a-f]{32}$/)
    expect(ownTraceId('e1')).toBe(ownTraceId('e1'))
    expect(ownTraceId('e1')).not.toBe(ownTraceId('e2'))
    expect(attemptSpanId('e1', 1, 1)).not.toBe(attemptSpanId('e1', 1, 2))
    expect(executionSpanId('e1')).toMatch(/^[0-9a-f]{16}$/)
  })
})

describe('execution spans', () => {
  const root = traceRootOf('e1', null)

  it('are valid OTLP, nested by parent run, with handler, kill and retry events', () => {
    const runs = [
      run({ id: 1, taskId: 'box', type: 'parallel' }),
      run({
        id: 2,
        taskId: 'call',
        type: 'http',
        parentId: 1,
        status: 'killed',
        attempts: [
          {
            number: 1,
            status: 'failed',
            startedAt: 1_010,
            endedAt: 1_015,
            input: { method: 'POST', url: 'https://user:pw@api.example.com:8443/v1/x?key=s3cret#frag' },
            error: { type: 'http_error', message: 'POST https://api.example.com:8443/v1/x?key=s3cret answered 503' },
          },
          { number: 2, status: 'killed', startedAt: 1_030, endedAt: 1_040 },
        ],
        startedAt: 1_010,
        endedAt: 1_040,
      }),
      run({ id: 3, taskId: 'never', status: 'skipped', startedAt: null, endedAt: null, attempts: [] }),
      run({ id: 4, taskId: 'cleanup', lane: 'finally', startedAt: 1_100 }),
    ]
    const { spans, dropped } = executionSpans(tracedExecution({ status: 'killed' }), runs, root)
    expect(dropped).toBe(0)
    for (const span of spans) Span.parse(span)
    const [execution, box, , call, first] = spans
    expect(spans).toHaveLength(1 + 2 + 3 + 2)
    expect(execution?.status.code).toBe(2)
    expect(execution?.events.map((each) => each.name)).toEqual(['kill', 'finally'])
    expect(call?.parentSpanId).toBe(box?.spanId)
    expect(call?.events.map((each) => each.name)).toEqual(['back-off', 'retry', 'kill'])
    expect(first?.kind).toBe(3)
    expect(first?.spanId).toBe(attemptSpanId('e1', 2, 1))
    // neither the collector nor the queue that carries the facts sees them
    const queued = traceMessages(traceFacts(tracedExecution({ status: 'killed' }), runs, root).facts, 100_000)
    for (const text of [JSON.stringify(spans), ...queued]) {
      expect(text).not.toContain('s3cret')
      expect(text).not.toContain('pw@')
    }
    expect(first?.attributes).toContainEqual({
      key: 'url.full',
      value: { stringValue: 'https://api.example.com:8443/v1/x' },
    })
    expect(first?.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: '503' } })
    expect(execution?.attributes).toContainEqual({ key: 'edgeflow.label.team', value: { stringValue: 'billing' } })
  })

  it('link a replay to the original and keep at most MAX_SPANS', () => {
    const many = Array.from({ length: MAX_SPANS }, (_, index) => run({ id: index + 1, taskId: `t${index}` }))
    const { spans, dropped } = executionSpans(tracedExecution({ replayOf: 'e0' }), many, root)
    expect(spans.length).toBeLessThanOrEqual(MAX_SPANS)
    expect(dropped).toBe(1 + 2 * MAX_SPANS - spans.length)
    expect(spans[0]?.links).toEqual([{ traceId: ownTraceId('e0'), spanId: executionSpanId('e0'), attributes: [] }])
    // the queue's messages: each at most the bytes asked, together the same spans once encoded
    const { facts } = traceFacts(tracedExecution({ replayOf: 'e0' }), many, root)
    const parts = traceMessages(facts, 10_000)
    expect(parts.length).toBeGreaterThan(1)
    for (const part of parts) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(10_000)
    expect(parts.flatMap((part) => encodeSpans(TraceFacts.parse(JSON.parse(part))))).toEqual(spans)
    // a trace that fits is one message
    expect(traceMessages(traceFacts(tracedExecution(), many.slice(0, 3), root).facts, 100_000)).toHaveLength(1)
  })

  it('hash ids with FNV-1a 64 (its published values), the same for any text', () => {
    expect([fnv64(''), fnv64('a'), fnv64('foobar')]).toEqual([
      'cbf29ce484222325',
      'af63dc4c8601ec8c',
      '85944171f73967e8',
    ])
    // the definition, in BigInt arithmetic, over UTF-8 bytes (ASCII or not)
    const reference = (text: string): string => {
      let hash = 0xcbf29ce484222325n
      for (const byte of new TextEncoder().encode(text)) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) % 2n ** 64n
      return hash.toString(16).padStart(16, '0')
    }
    for (const text of ['attempt:01JF3Z9:12:3', 'é', 'run:ß€😀:1', 'x'.repeat(300)])
      expect(fnv64(text)).toBe(reference(text))
  })

  it('cut URLs in messages before their query', () => {
    expect(withoutQueries('GET https://a.example/x?token=1 failed; see http://b.example/#k')).toBe(
      'GET https://a.example/x failed; see http://b.example/',
    )
  })
})

describe('exporter settings', () => {
  it('reads the standard variables', () => {
    expect(tracesEndpoint({})).toBeNull()
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/' })).toBe(
      'https://otlp.example.com/v1/traces',
    )
    expect(
      tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/t' }),
    ).toBe('https://b/t')
    expect(exportHeaders({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=x%20y,broken,c=%E0' })).toEqual({ a: '1', b: 'x y' })
    expect([200, 408, 429, 500, 503, 400].map(outcomeOf)).toEqual([
      'sent',
      'retry',
      'retry',
      'refused',
      'retry',
      'refused',
    ])
    expect([1, 2, 3, 4, 5, 9].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 80, 300])
  })
})
