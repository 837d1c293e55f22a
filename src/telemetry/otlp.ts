/**
 * @module The OTLP/JSON shapes edgeflow exports (opentelemetry-proto's ExportTraceServiceRequest in
 * its JSON mapping: ids as hex, times as decimal strings of nanoseconds, 64-bit integers as
 * strings, enums as numbers), as zod schemas, and the small helpers that build them.
 */
import * as z from 'zod'

export const AnyValue = z.union([
  z.strictObject({ stringValue: z.string() }),
  z.strictObject({ intValue: z.string() }),
  z.strictObject({ boolValue: z.boolean() }),
])
export type AnyValue = z.infer<typeof AnyValue>

export const KeyValue = z.strictObject({ key: z.string(), value: AnyValue })
export type KeyValue = z.infer<typeof KeyValue>

/** SpanKind of opentelemetry-proto (trace.proto). */
export const SpanKind = { internal: 1, server: 2, client: 3 } as const
/** Status.StatusCode: unset on success (the semantic conventions leave OK to applications), error on failure. */
export const StatusCode = { unset: 0, ok: 1, error: 2 } as const

const Hex = (digits: number) => z.string().regex(new RegExp(`^[0-9a-f]{${digits}}$`))
const Nanos = z.string().regex(/^\d+$/)

export const SpanEvent = z.strictObject({ timeUnixNano: Nanos, name: z.string(), attributes: z.array(KeyValue) })
export type SpanEvent = z.infer<typeof SpanEvent>

export const Span = z.strictObject({
  traceId: Hex(32),
  spanId: Hex(16),
  parentSpanId: Hex(16).optional(),
  traceState: z.string().optional(),
  name: z.string(),
  kind: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  startTimeUnixNano: Nanos,
  endTimeUnixNano: Nanos,
  attributes: z.array(KeyValue),
  events: z.array(SpanEvent),
  links: z.array(z.strictObject({ traceId: Hex(32), spanId: Hex(16), attributes: z.array(KeyValue) })),
  status: z.strictObject({ code: z.union([z.literal(0), z.literal(1), z.literal(2)]), message: z.string().optional() }),
})
export type Span = z.infer<typeof Span>

export const ResourceSpans = z.strictObject({
  resource: z.strictObject({ attributes: z.array(KeyValue) }),
  scopeSpans: z.array(
    z.strictObject({ scope: z.strictObject({ name: z.string(), version: z.string() }), spans: z.array(Span) }),
  ),
})
export type ResourceSpans = z.infer<typeof ResourceSpans>

/** The body of a POST to `/v1/traces`. */
export const ExportTraceRequest = z.strictObject({ resourceSpans: z.array(ResourceSpans) })
export type ExportTraceRequest = z.infer<typeof ExportTraceRequest>

/** An attribute value as OTLP/JSON writes it (integers as strings). */
export function attribute(key: string, value: string | number | boolean): KeyValue {
  if (typeof value === 'boolean') return { key, value: { boolValue: value } }
  if (typeof value === 'number') return { key, value: { intValue: String(Math.trunc(value)) } }
  return { key, value: { stringValue: value } }
}

/** Attributes from a record, leaving out the absent ones. */
export const attributes = (record: Record<string, string | number | boolean | null | undefined>): KeyValue[] =>
  Object.entries(record).flatMap(([key, value]) =>
    value === null || value === undefined ? [] : [attribute(key, value)],
  )

/** Epoch milliseconds as OTLP nanoseconds. */
export const nanos = (ms: number): string => `${BigInt(Math.max(0, Math.round(ms))) * 1_000_000n}`

/** The instrumentation scope of every span. */
export const SCOPE = { name: 'edgeflow', version: '1' }

/** Spans of one service as one ResourceSpans. */
export const resourceSpans = (serviceName: string, spans: Span[]): ResourceSpans => ({
  resource: { attributes: [attribute('service.name', serviceName)] },
  scopeSpans: [{ scope: SCOPE, spans }],
})
