/**
 * @module W3C Trace Context (README, Traces): the `traceparent` an execution takes from its caller
 * and sends on, and the ids of its spans. Span ids are derived from what the execution records
 * (its id, a run's id, an attempt's number), so that the `traceparent` an http attempt sent and the
 * span exported for it after the end agree without storing anything, and a trace exported twice
 * (at-least-once) carries the same ids twice.
 */

/** Where an execution's trace hangs: the caller's trace, or a trace of its own (`parentSpanId` null). */
export interface TraceRoot {
  traceId: string
  /** The caller's span (a webhook's sender, a parent's subflow attempt); null for a root span. */
  parentSpanId: string | null
  /** The caller's `tracestate`, passed on unchanged. */
  traceState: string | null
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/
const ZEROS = /^0+$/

/** The trace a `traceparent` (and `tracestate`) header names, or null when it is absent or malformed. */
export function parseTraceparent(header: string | null | undefined, traceState?: string | null): TraceRoot | null {
  const match = TRACEPARENT.exec(header?.trim().toLowerCase() ?? '')
  if (!match) return null
  const [, version = '', traceId = '', spanId = '', , rest] = match
  // version ff is invalid; version 00 has nothing after the flags
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return null
  const state = traceState?.trim()
  return { traceId, parentSpanId: spanId, traceState: state ? state.slice(0, 512) : null }
}

/** The `traceparent` of span `spanId` in trace `traceId` (always sampled: every execution is exported). */
export const formatTraceparent = (traceId: string, spanId: string): string => `00-${traceId}-${spanId}-01`

const utf8 = new TextEncoder()

/**
 * FNV-1a, 64 bits, of `text` as 16 hex digits (never all zeros). Not for secrets: ids only. In four
 * 16-bit limbs of plain numbers, not BigInt: every traced execution hashes its ids, and BigInt
 * arithmetic cost about ten times as much CPU (docs/traces.md, Cost).
 */
export function fnv64(text: string): string {
  // the offset basis 0xcbf29ce484222325, least significant limb first
  let h0 = 0x2325
  let h1 = 0x8422
  let h2 = 0x9ce4
  let h3 = 0xcbf2
  // ids are ASCII: their UTF-8 bytes are their char codes, without encoding them first
  const bytes = /^[\x00-\x7f]*$/.test(text) ? null : utf8.encode(text)
  const length = bytes ? bytes.length : text.length
  for (let at = 0; at < length; at += 1) {
    h0 ^= bytes ? (bytes[at] as number) : text.charCodeAt(at)
    // times the prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64; every sum stays below 2^31
    const t0 = h0 * 0x1b3
    const t1 = h1 * 0x1b3 + (t0 >>> 16)
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16)
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16)
    h0 = t0 & 0xffff
    h1 = t1 & 0xffff
    h2 = t2 & 0xffff
    h3 = t3 & 0xffff
  }
  if ((h0 | h1 | h2 | h3) === 0) return '0000000000000001'
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, '0')).join('')
}

/** The trace an execution starts when no caller gave one. */
export const ownTraceId = (executionId: string): string =>
  `${fnv64(`trace:${executionId}`)}${fnv64(`trace2:${executionId}`)}`

/** The trace an execution belongs to, from what its caller sent (null: none). */
export const traceRootOf = (executionId: string, given: TraceRoot | null): TraceRoot =>
  given ?? { traceId: ownTraceId(executionId), parentSpanId: null, traceState: null }

export const executionSpanId = (executionId: string): string => fnv64(`execution:${executionId}`)
export const runSpanId = (executionId: string, runId: number): string => fnv64(`run:${executionId}:${runId}`)
export const attemptSpanId = (executionId: string, runId: number, attempt: number): string =>
  fnv64(`attempt:${executionId}:${runId}:${attempt}`)

/** The span a log line of an execution was written in: its attempt's, else its run's, else the execution's. */
export const lineSpanId = (executionId: string, runId: number | null, attempt: number | null): string =>
  runId === null
    ? executionSpanId(executionId)
    : attempt === null
      ? runSpanId(executionId, runId)
      : attemptSpanId(executionId, runId, attempt)
