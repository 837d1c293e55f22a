/**
 * The trace queue's consumer against a collector on 127.0.0.1 (bench/target.ts): a batch is one
 * POST with the configured headers; an unreachable or busy collector gets the batch retried with
 * back-off, then dropped and counted; a refusing one drops it at once.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { consumeTraces, TRACE_DELIVERIES } from '../../src/objects/trace-queue'
import type { TraceMessage } from '../../src/telemetry/export'
import { resourceSpans } from '../../src/telemetry/otlp'
import { executionSpans } from '../../src/telemetry/spans'
import { traceFacts, traceMessages } from '../../src/telemetry/trace-facts'
import { traceRootOf } from '../../src/domain/trace-context'
import { json, target } from '../helpers/api'
import { tracedExecution } from './fixtures'

interface Fake {
  acked: number
  retried: (number | undefined)[]
}

/**
 * Every JSON line a console spy took. Not the last one alone: the runtime is shared, and the trace
 * queue of other tests' executions logs meanwhile (with no endpoint configured, each batch dropped);
 * a line that is no JSON is none of the consumer's.
 */
const logged = (spy: { mock: { calls: unknown[][] } }): unknown[] =>
  spy.mock.calls.flatMap(([line]) => {
    try {
      return [JSON.parse(String(line))]
    } catch {
      return []
    }
  })

/** One execution's trace as the execution object queues it: its facts, in JSON text. */
const queued = (): TraceMessage =>
  traceMessages(traceFacts(tracedExecution(), [], traceRootOf('e1', null)).facts, 100_000)[0] ?? ''

/** A batch of `count` messages of one execution's trace (or `bodies`), each delivered `attempts` times so far. */
function batch(
  count: number,
  attempts: number,
  bodies: TraceMessage[] = Array.from({ length: count }, queued),
): { batch: MessageBatch<TraceMessage>; fake: Fake } {
  const fake: Fake = { acked: 0, retried: [] }
  const messages = bodies.map((body, index) => ({
    id: String(index),
    timestamp: new Date(),
    attempts,
    body,
    ack: () => void (fake.acked += 1),
    retry: (options?: QueueRetryOptions) => void fake.retried.push(options?.delaySeconds),
  }))
  const made = {
    queue: 'edgeflow-traces',
    messages,
    ackAll: () => void (fake.acked += messages.length),
    retryAll: () => undefined,
  }
  return { batch: made as unknown as MessageBatch<TraceMessage>, fake }
}

const withEndpoint = (url: string, headers?: string) =>
  ({ ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url, OTEL_EXPORTER_OTLP_HEADERS: headers }) as typeof env

describe('trace queue consumer', () => {
  it('posts a batch as one OTLP request with the configured headers', async () => {
    const key = `collector-${crypto.randomUUID()}`
    const { batch: sent, fake } = batch(3, 1)
    const result = await consumeTraces(
      sent,
      withEndpoint(target(`/capture?key=${key}`), 'x-honeycomb-team=abc%3D1, authorization=Basic%20eA=='),
    )
    expect(result).toEqual({ sent: 3, retried: 0, dropped: 0 })
    expect(fake.acked).toBe(3)
    const posts = await json<{ headers: Record<string, string>; body: string }[]>(fetch(target(`/captured/${key}`)))
    expect(posts).toHaveLength(1)
    expect(posts[0]?.headers['x-honeycomb-team']).toBe('abc=1')
    expect(posts[0]?.headers.authorization).toBe('Basic eA==')
    // encoded here: the execution object queued the facts, the collector gets OTLP spans
    const body = JSON.parse(posts[0]?.body ?? '')
    expect(body.resourceSpans).toHaveLength(3)
    const { spans } = executionSpans(tracedExecution(), [], traceRootOf('e1', null))
    expect(body.resourceSpans[0]).toEqual(resourceSpans('edgeflow', spans))
  })

  it('sends spans queued already encoded (by the version before) and drops what is no trace, counted', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const key = `collector-${crypto.randomUUID()}`
    const { spans } = executionSpans(tracedExecution(), [], traceRootOf('e1', null))
    const legacy = { resourceSpans: [resourceSpans('edgeflow', spans)] }
    const { batch: sent, fake } = batch(3, 1, [legacy, '{"not":"a trace"}', queued()])
    const result = await consumeTraces(sent, withEndpoint(target(`/capture?key=${key}`)))
    expect(result).toEqual({ sent: 2 * spans.length, retried: 0, dropped: 0 })
    expect(fake.acked).toBe(3)
    expect(logged(errors)).toContainEqual(
      expect.objectContaining({ event: 'trace_export_dropped', messages: 1, reason: 'a message is not a trace' }),
    )
    const posts = await json<{ body: string }[]>(fetch(target(`/captured/${key}`)))
    expect(JSON.parse(posts[0]?.body ?? '').resourceSpans).toEqual([legacy.resourceSpans[0], legacy.resourceSpans[0]])
    errors.mockRestore()
  })

  it('retries with back-off while the collector is busy or unreachable, then drops and counts', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const busy = batch(2, 2)
    expect(await consumeTraces(busy.batch, withEndpoint(target('/status/503')))).toEqual({
      sent: 0,
      retried: 2,
      dropped: 0,
    })
    expect(busy.fake).toEqual({ acked: 0, retried: [10, 10] })

    // nothing listens on port 9 of 127.0.0.1
    const unreachable = batch(1, 1)
    expect(await consumeTraces(unreachable.batch, withEndpoint('http://127.0.0.1:9/v1/traces'))).toEqual({
      sent: 0,
      retried: 1,
      dropped: 0,
    })
    expect(unreachable.fake.retried).toEqual([5])

    const last = batch(2, TRACE_DELIVERIES)
    expect(await consumeTraces(last.batch, withEndpoint(target('/status/503')))).toEqual({
      sent: 0,
      retried: 0,
      dropped: 2,
    })
    expect(last.fake).toEqual({ acked: 2, retried: [] })
    expect(logged(errors)).toContainEqual(
      expect.objectContaining({ level: 'error', event: 'trace_export_dropped', spans: 2, messages: 2 }),
    )
    expect(warnings).toHaveBeenCalled()
    errors.mockRestore()
    warnings.mockRestore()
  })

  it('drops at once what the collector refuses', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const refused = batch(1, 1)
    expect(await consumeTraces(refused.batch, withEndpoint(target('/status/400')))).toEqual({
      sent: 0,
      retried: 0,
      dropped: 1,
    })
    expect(refused.fake.acked).toBe(1)
    expect(errors.mock.calls.map(([line]) => String(line))).toContainEqual(
      expect.stringContaining('the collector answered 400'),
    )
    errors.mockRestore()
  })
})
