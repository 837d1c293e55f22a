/**
 * OTLP/JSON trace exports decoded with OpenTelemetry's own definitions — opentelemetry-proto's
 * `ExportTraceServiceRequest`, as `@opentelemetry/otlp-transformer` ships it compiled by protobufjs —
 * never with edgeflow's encoder (src/telemetry/otlp.ts), so that the tests' receiver checks what a
 * real collector would accept (issue 25). The JSON mapping is the protobuf one except that trace and
 * span ids are hex, not base64 (OTLP specification, JSON Protobuf Encoding).
 */
import { createRequire } from 'node:module'
import type { DecodedRequest } from '../test/helpers/decoded-trace.ts'

/** What protobufjs generates for one message type (the package ships no types for it). */
interface MessageType {
  fromObject(object: unknown): unknown
  encode(message: unknown): { finish(): Uint8Array }
  decode(bytes: Uint8Array): unknown
  toObject(message: unknown, options: object): Record<string, unknown>
}

const root = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType } } } } }
}
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest

/** The fields OTLP/JSON writes as hex (bytes in the schema), with their length in bytes. */
const ID_BYTES: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 }

/** The JSON with its ids as bytes, as protobufjs reads them; a malformed id is a problem. */
function idsAsBytes(value: unknown, path: string, problems: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => idsAsBytes(item, `${path}[${index}]`, problems))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      const size = ID_BYTES[key]
      if (size === undefined) return [key, idsAsBytes(field, `${path}.${key}`, problems)]
      const empty = key === 'parentSpanId' && field === ''
      if (!empty && (typeof field !== 'string' || !new RegExp(`^[0-9a-fA-F]{${size * 2}}$`).test(field))) {
        problems.push(`${path}.${key}: ${JSON.stringify(field)} is not ${size} bytes in hex`)
      }
      return [key, Buffer.from(typeof field === 'string' ? field : '', 'hex')]
    }),
  )
}

/** The decoded message with its bytes as hex again, so that it reads like the JSON that was sent. */
function bytesAsHex(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (Array.isArray(value)) return value.map(bytesAsHex)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, bytesAsHex(field)]))
}

/** Where what was sent is not what the schema decoded: a field it does not know, or a value it read otherwise. */
function differences(sent: unknown, decoded: unknown, path: string): string[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(decoded) || decoded.length !== sent.length) return [`${path}: not decoded as a list`]
    return sent.flatMap((item, index) => differences(item, decoded[index], `${path}[${index}]`))
  }
  if (sent !== null && typeof sent === 'object') {
    if (decoded === null || typeof decoded !== 'object') return [`${path}: not decoded as a message`]
    return Object.entries(sent).flatMap(([key, field]) =>
      key in decoded
        ? differences(field, (decoded as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key}: no such field in the OpenTelemetry schema`],
    )
  }
  return sent === decoded ? [] : [`${path}: sent ${JSON.stringify(sent)}, decoded ${JSON.stringify(decoded)}`]
}

/**
 * A POST body to `/v1/traces` decoded as opentelemetry-proto's ExportTraceServiceRequest: read from
 * its JSON, encoded to protobuf and decoded back, with every field (defaults included). `problems`
 * lists what would not survive that: fields the schema lacks, values of the wrong type, bad ids.
 */
export function decodeTraces(body: string): { request: DecodedRequest; problems: string[] } {
  const problems: string[] = []
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (error) {
    return { request: { resourceSpans: [] }, problems: [`not JSON: ${String(error)}`] }
  }
  const object = idsAsBytes(json, '$', problems)
  // (protobufjs's verify() checks runtime objects, where JSON's 64-bit integers as strings are wrong: the round trip checks instead)
  const wire = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(object)).finish()
  const decoded = bytesAsHex(
    ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(wire), {
      longs: String,
      enums: Number,
      defaults: true,
      arrays: true,
    }),
  )
  problems.push(...differences(json, decoded, '$'))
  return { request: decoded as DecodedRequest, problems }
}
