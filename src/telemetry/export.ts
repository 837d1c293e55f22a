/**
 * @module What the trace queue carries and where its consumer sends it, read from the standard
 * OpenTelemetry variables (README, Traces): `OTEL_EXPORTER_OTLP_ENDPOINT` (traces go to
 * `<endpoint>/v1/traces`), or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, and
 * `OTEL_EXPORTER_OTLP_HEADERS` (`name=value,…`, values URL-encoded).
 */
import { ResourceSpans } from './otlp'
import * as z from 'zod'

/**
 * One message of the trace queue: a part of one execution's trace as facts, in JSON text
 * (trace-facts.ts, `traceMessages`; a message holds 128 KB at most) — or, queued by the version
 * before, spans encoded already, which the consumer still sends.
 */
export const TraceMessage = z.union([z.string(), z.strictObject({ resourceSpans: z.array(ResourceSpans) })])
export type TraceMessage = z.infer<typeof TraceMessage>

/** Bytes of spans one message carries at most, below the queue's 128 KB with room for the envelope. */
export const TRACE_MESSAGE_BYTES = 100_000

export interface OtlpSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined
  OTEL_EXPORTER_OTLP_HEADERS?: string | undefined
}

/** Where traces are posted, or null when tracing is off. */
export function tracesEndpoint(env: OtlpSettings): string | null {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
  if (own) return own
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : null
}

/** The headers of `OTEL_EXPORTER_OTLP_HEADERS`; a pair without `=` or that does not decode is left out. */
export function exportHeaders(env: OtlpSettings): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const pair of (env.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',')) {
    const at = pair.indexOf('=')
    if (at <= 0) continue
    try {
      headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim())
    } catch {
      // a malformed escape: the pair is skipped, the others still go (the consumer logs nothing secret)
      continue
    }
  }
  return headers
}

/** How an export went, as the consumer decides what to do with the batch. */
export type ExportOutcome = 'sent' | 'retry' | 'refused'

/** An OTLP/HTTP answer: 2xx sent; 429, 502, 503, 504 (the spec's retryable codes) and 408 retried; the rest refused. */
export function outcomeOf(status: number): ExportOutcome {
  if (status >= 200 && status < 300) return 'sent'
  return [408, 429, 502, 503, 504].includes(status) ? 'retry' : 'refused'
}

/** Seconds before the next delivery of a batch that failed `attempts` times: 5, 10, 20, 40, 80. */
export const retryDelaySeconds = (attempts: number): number => Math.min(300, 5 * 2 ** Math.max(0, attempts - 1))
