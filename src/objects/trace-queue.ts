/**
 * @module The trace queue's consumer: every batch of ended executions' traces (up to 100 messages,
 * each the facts of a trace, encoded as OTLP spans here rather than by the execution: spans.ts)
 * becomes one OTLP/HTTP request (README, Traces). A batch the collector could not take (unreachable,
 * 408/429/502/503/504) is retried with back-off — 5, 10, 20, 40, 80 s — and dropped after its sixth
 * delivery; one it refuses (another 4xx) is dropped at once. A drop is counted and logged as one
 * JSON line (`trace_export_dropped`, with the spans lost): an execution never waits for, nor fails
 * by, its trace.
 */
import type { Env } from '../env'
import { toTaskError } from '../domain/errors'
import { exportHeaders, outcomeOf, retryDelaySeconds, type TraceMessage, tracesEndpoint } from '../telemetry/export'
import { type ResourceSpans, resourceSpans } from '../telemetry/otlp'
import { encodeSpans } from '../telemetry/spans'
import { TraceFacts } from '../telemetry/trace-facts'
import { log } from '../log'

export { TRACE_QUEUE } from '../domain/own-queues'

/** Deliveries of a batch before its spans are dropped. */
export const TRACE_DELIVERIES = 6

/** What one batch came to: spans sent, spans to be retried, spans dropped. */
export interface TraceBatchResult {
  sent: number
  retried: number
  dropped: number
}

/** A message as OTLP: its facts encoded here, off the execution's answers (or spans an older version encoded). */
type Encoded = { message: Message<TraceMessage>; resourceSpans: ResourceSpans[]; spans: number }

function encode(message: Message<TraceMessage>, service: string): Encoded | null {
  const { body } = message
  if (typeof body !== 'string') {
    const spans = body.resourceSpans.reduce(
      (sum, resource) => sum + resource.scopeSpans.reduce((count, scope) => count + scope.spans.length, 0),
      0,
    )
    return { message, resourceSpans: body.resourceSpans, spans }
  }
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return null
  }
  const facts = TraceFacts.safeParse(json)
  if (!facts.success) return null
  return { message, resourceSpans: [resourceSpans(service, encodeSpans(facts.data))], spans: facts.data.spans.length }
}

const spanCount = (messages: readonly Encoded[]): number => messages.reduce((sum, each) => sum + each.spans, 0)

export async function consumeTraces(batch: MessageBatch<TraceMessage>, env: Env): Promise<TraceBatchResult> {
  const service = env.OTEL_SERVICE_NAME ?? 'edgeflow'
  const encoded = batch.messages.map((message) => encode(message, service))
  const valid = encoded.filter((each): each is Encoded => each !== null)
  const malformed = batch.messages.filter((_, index) => encoded[index] === null)
  const lost = drop(
    malformed.map((message) => ({ message, resourceSpans: [], spans: 0 })),
    'a message is not a trace',
  )
  const result = await exportBatch(valid, env)
  return { ...result, dropped: result.dropped + lost.dropped }
}

/** One OTLP request for the batch's well-formed messages, acked, retried or dropped by its answer. */
async function exportBatch(batch: readonly Encoded[], env: Env): Promise<TraceBatchResult> {
  if (batch.length === 0) return { sent: 0, retried: 0, dropped: 0 }
  const spans = spanCount(batch)
  const endpoint = tracesEndpoint(env)
  if (!endpoint) return drop(batch, 'no OTLP endpoint is configured')
  let outcome: 'sent' | 'retry' | 'refused'
  let reason: string
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { ...exportHeaders(env), 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: batch.flatMap((each) => each.resourceSpans) }),
    })
    // the answer's body is not needed (a partial success is still a success); read it to free the connection
    await response.arrayBuffer()
    outcome = outcomeOf(response.status)
    reason = `the collector answered ${response.status}`
  } catch (error) {
    outcome = 'retry'
    reason = `the collector could not be reached: ${toTaskError(error).message}`
  }
  if (outcome === 'sent') {
    for (const { message } of batch) message.ack()
    return { sent: spans, retried: 0, dropped: 0 }
  }
  if (outcome === 'refused') return drop(batch, reason)
  const last = batch.filter(({ message }) => message.attempts >= TRACE_DELIVERIES)
  const again = batch.filter(({ message }) => message.attempts < TRACE_DELIVERIES)
  for (const { message } of again) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
  const result = drop(last, reason)
  const retried = spanCount(again)
  if (retried > 0) log.warn('trace export retried', { event: 'trace_export_retry', spans: retried, reason })
  return { ...result, retried }
}

/** Drops messages for good: counted and logged, never retried. */
function drop(messages: readonly Encoded[], reason: string): TraceBatchResult {
  const dropped = spanCount(messages)
  for (const { message } of messages) message.ack()
  if (messages.length > 0) {
    log.error('trace export dropped', {
      event: 'trace_export_dropped',
      spans: dropped,
      messages: messages.length,
      reason,
    })
  }
  return { sent: 0, retried: 0, dropped }
}
