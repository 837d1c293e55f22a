/**
 * Trace exports as OpenTelemetry's own schema decodes them (bench/otlp-decode.ts: every field, ids
 * in hex, 64-bit integers as strings, enums as numbers), and one trace drawn as a tree of text — for
 * the tests' assertions and for the docs (`npm run trace:tree`). Pure: runs in workerd and in Node.
 */

export interface DecodedValue {
  stringValue?: string
  intValue?: string
  boolValue?: boolean
  doubleValue?: number
}

export interface DecodedAttribute {
  key: string
  value: DecodedValue
}

export interface DecodedSpan {
  traceId: string
  spanId: string
  /** Empty for a trace's root. */
  parentSpanId: string
  traceState: string
  name: string
  /** SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number
  startTimeUnixNano: string
  endTimeUnixNano: string
  attributes: DecodedAttribute[]
  events: { name: string; timeUnixNano: string; attributes: DecodedAttribute[] }[]
  links: { traceId: string; spanId: string; attributes: DecodedAttribute[] }[]
  /** StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string }
}

export interface DecodedRequest {
  resourceSpans: {
    resource: { attributes: DecodedAttribute[] }
    scopeSpans: { scope: { name: string; version: string }; spans: DecodedSpan[] }[]
  }[]
}

/** What the receiver kept of one POST: its headers, the request decoded, and what did not decode. */
export interface ReceivedExport {
  headers: Record<string, string>
  request: DecodedRequest
  problems: string[]
}

/** An attribute's value: a string, a number (ints are strings in OTLP/JSON) or a boolean. */
export function attr(span: DecodedSpan | undefined, key: string): string | number | boolean | undefined {
  const value = span?.attributes.find((each) => each.key === key)?.value
  if (value?.stringValue !== undefined) return value.stringValue
  if (value?.intValue !== undefined) return Number(value.intValue)
  return value?.boolValue ?? value?.doubleValue
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']

/** How to draw a tree: see `spanTree`. */
interface TreeOptions {
  names?: (text: string) => string
  byLine?: boolean
  durations?: boolean
}

/** One span as a line: name, kind, status, and what tells it from its siblings. */
function line(span: DecodedSpan, { names = (text) => text, durations = false }: TreeOptions): string {
  const parts = [names(span.name), KINDS[span.kind] ?? String(span.kind)]
  if (durations) parts.push(`${Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6} ms`)
  const attempt = attr(span, 'edgeflow.attempt')
  // an http attempt is named by its method (semantic conventions): its number tells it from its siblings
  if (attempt !== undefined && !span.name.startsWith('attempt') && attr(span, 'edgeflow.task_run.id') === undefined) {
    parts.push(`attempt ${attempt}`)
  }
  const iteration = attr(span, 'edgeflow.task_run.iteration')
  if (iteration !== undefined) parts.push(`iteration ${iteration}`)
  const httpStatus = attr(span, 'http.response.status_code')
  if (httpStatus !== undefined) parts.push(`http ${httpStatus}`)
  if (span.status.code === 2) parts.push(`ERROR "${names(span.status.message)}"`)
  const events = span.events.map((event) => event.name)
  if (events.length > 0) parts.push(`events: ${events.join(', ')}`)
  return parts.join(' · ')
}

const nanos = (span: DecodedSpan) => BigInt(span.startTimeUnixNano)

/**
 * The spans of one trace as an indented tree. A span whose parent is not among them is a root (the
 * caller's span is not exported by edgeflow). Siblings go by start time (then name), or with
 * `byLine` by their text, which does not depend on which of two parallel branches started first.
 * `names` rewrites names and messages, e.g. to hide the ids a test made up; `durations` adds each
 * span's (which differ from run to run).
 */
export function spanTree(spans: readonly DecodedSpan[], options: TreeOptions = {}): string {
  const ids = new Set(spans.map((span) => span.spanId))
  const byTime = (a: DecodedSpan, b: DecodedSpan) =>
    nanos(a) === nanos(b) ? a.name.localeCompare(b.name) : nanos(a) < nanos(b) ? -1 : 1
  const sorted = [...spans].sort(options.byLine ? (a, b) => line(a, options).localeCompare(line(b, options)) : byTime)
  const childrenOf = (parent: string) => sorted.filter((span) => span.parentSpanId === parent)
  const draw = (span: DecodedSpan, prefix: string, last: boolean, top: boolean): string[] => {
    const children = childrenOf(span.spanId)
    const head = top ? '' : `${prefix}${last ? '└─ ' : '├─ '}`
    const below = top ? '' : `${prefix}${last ? '   ' : '│  '}`
    return [
      `${head}${line(span, options)}`,
      ...children.flatMap((child, index) => draw(child, below, index === children.length - 1, false)),
    ]
  }
  return sorted
    .filter((span) => !ids.has(span.parentSpanId))
    .flatMap((root) => draw(root, '', true, true))
    .join('\n')
}
