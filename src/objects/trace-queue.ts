/**
 * @module The trace queue's consumer: every batch of ended executions' spans (up to 100 messages)
 * becomes one OTLP/HTTP request (README, Traces). A batch the collector could not take (unreachable,
 * 408/429/502/503/504) is retried with back-off — 5, 10, 20, 40, 80 s — and dropped after its sixth
 * delivery; one it refuses (another 4xx) is dropped at once. A drop is counted and logged as one
 * JSON line (`trace_export_dropped`, with the spans lost): an execution never waits for, nor fails
 * by, its trace.
 */
import type { Env } from '../env'
import { toTaskError } from '../domain/errors'
import { exportHeaders, outcomeOf, retryDelaySeconds, type TraceMessage, tracesEndpoint } from '../telemetry/export'
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

const spanCount = (message: TraceMessage): number =>
  message.resourceSpans.reduce(
    (sum, resource) => sum + resource.scopeSpans.reduce((count, scope) => count + scope.spans.length, 0),
    0,
  )

export async function consumeTraces(batch: MessageBatch<TraceMessage>, env: Env): Promise<TraceBatchResult> {
  const spans = batch.messages.reduce((sum, message) => sum + spanCount(message.body), 0)
  const endpoint = tracesEndpoint(env)
  if (!endpoint) return drop(batch.messages, 'no OTLP endpoint is configured')
  let outcome: 'sent' | 'retry' | 'refused'
  let reason: string
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { ...exportHeaders(env), 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: batch.messages.flatMap((message) => message.body.resourceSpans) }),
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
    batch.ackAll()
    return { sent: spans, retried: 0, dropped: 0 }
  }
  if (outcome === 'refused') return drop(batch.messages, reason)
  const last = batch.messages.filter((message) => message.attempts >= TRACE_DELIVERIES)
  const again = batch.messages.filter((message) => message.attempts < TRACE_DELIVERIES)
  for (const message of again) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
  const result = drop(last, reason)
  const retried = again.reduce((sum, message) => sum + spanCount(message.body), 0)
  if (retried > 0) log.warn('trace export retried', { event: 'trace_export_retry', spans: retried, reason })
  return { ...result, retried }
}

/** Drops messages for good: counted and logged, never retried. */
function drop(messages: readonly Message<TraceMessage>[], reason: string): TraceBatchResult {
  const dropped = messages.reduce((sum, message) => sum + spanCount(message.body), 0)
  for (const message of messages) message.ack()
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
