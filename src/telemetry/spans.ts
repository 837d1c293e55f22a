/**
 * @module An ended execution as OpenTelemetry spans (README, Traces), a pure function of what the
 * execution recorded: one span for the execution, one per task run that started (its parent is the
 * container run it belongs to, else the execution), one per attempt (the span whose `traceparent`
 * an http attempt sent), with events for retries, back-offs, delays, waits, kills and the runs of
 * `errors`, `finally` and compensations. Values come masked already (docs/architecture.md,
 * Secrets, never); URLs lose their query, fragment and user info before they become attributes.
 */
import type { ExecutionRow } from '../store/execution/schema'
import type { RunState } from '../core/state'
import type { Attempt, TaskError } from '../domain/types'
import { attemptSpanId, executionSpanId, ownTraceId, runSpanId, type TraceRoot } from '../domain/trace-context'
import { phaseOf } from '../core/handlers'
import { attributes, nanos, type Span, type SpanEvent, SpanKind, StatusCode } from './otlp'

/** Spans of one execution at most: a bigger one keeps its first ones and counts the others. */
export const MAX_SPANS = 2_000

/** What of the execution row its trace reads. */
export type TracedExecution = Pick<
  ExecutionRow,
  | 'id'
  | 'flowId'
  | 'revision'
  | 'trigger'
  | 'status'
  | 'error'
  | 'createdAt'
  | 'startedAt'
  | 'endedAt'
  | 'labels'
  | 'replayOf'
  | 'parentExecutionId'
  | 'input'
>

/** Longest text an attribute or event carries. */
const MAX_TEXT = 1_024

const clip = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text)

/** A URL without what may hold secrets: query, fragment, user info. Null when it is not one. */
export function safeUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null
  try {
    const url = new URL(value)
    url.search = ''
    url.hash = ''
    url.username = ''
    url.password = ''
    return url
  } catch {
    return null
  }
}

/** Text (an error message) with every URL in it cut before its query or fragment. */
export const withoutQueries = (text: string): string => clip(text.replace(/(https?:\/\/[^\s?#]*)[?#]\S*/g, '$1'))

const errorStatus = (error: TaskError | null | undefined, failed: boolean): Span['status'] =>
  failed ? { code: StatusCode.error, message: withoutQueries(error?.message ?? 'failed') } : { code: StatusCode.unset }

/** The `exception` event of the semantic conventions for an error. */
const exceptionEvent = (at: number, error: TaskError): SpanEvent => ({
  timeUnixNano: nanos(at),
  name: 'exception',
  attributes: attributes({ 'exception.type': error.type, 'exception.message': withoutQueries(error.message) }),
})

const event = (at: number, name: string, fields: Record<string, string | number | boolean | null> = {}): SpanEvent => ({
  timeUnixNano: nanos(at),
  name,
  attributes: attributes(fields),
})

/** The phase a handler lane belongs to, as an event name (null: not a handler lane). */
function handlerEvent(lane: string): string | null {
  const phase = phaseOf(lane)
  return phase === 'compensate' ? 'compensation' : phase
}

interface Built {
  spans: Span[]
  dropped: number
}

/** The spans of an ended execution in the trace `root` (the execution span first). */
export function executionSpans(
  exec: TracedExecution,
  runs: readonly RunState[],
  root: TraceRoot,
  /** For a replay: the trace of the execution it replays (default: the one that execution started itself). */
  replayedTraceId: string | null = null,
): Built {
  const end = exec.endedAt ?? exec.startedAt ?? exec.createdAt
  const base = { traceId: root.traceId, ...(root.traceState ? { traceState: root.traceState } : {}), links: [] }
  const execSpanId = executionSpanId(exec.id)
  const failed = exec.status === 'failed' || exec.status === 'killed'
  const { method, path } = exec.input.metadata
  const execution: Span = {
    ...base,
    spanId: execSpanId,
    ...(root.parentSpanId ? { parentSpanId: root.parentSpanId } : {}),
    name: exec.flowId ? `execution ${exec.flowId}` : 'execution',
    kind: exec.trigger === 'webhook' ? SpanKind.server : SpanKind.internal,
    startTimeUnixNano: nanos(exec.createdAt),
    endTimeUnixNano: nanos(end),
    attributes: attributes({
      'edgeflow.flow.id': exec.flowId,
      'edgeflow.flow.revision': exec.revision,
      'edgeflow.execution.id': exec.id,
      'edgeflow.execution.trigger': exec.trigger,
      'edgeflow.execution.status': exec.status,
      'edgeflow.execution.parent_id': exec.parentExecutionId,
      'edgeflow.execution.replay_of': exec.replayOf,
      'error.type': failed ? (exec.error?.type ?? exec.status) : null,
      'http.request.method': exec.trigger === 'webhook' ? method : null,
      'url.path': exec.trigger === 'webhook' ? path : null,
      ...Object.fromEntries(Object.entries(exec.labels).map(([key, value]) => [`edgeflow.label.${key}`, value])),
    }),
    events: [
      ...(exec.error && failed ? [exceptionEvent(end, exec.error)] : []),
      ...(exec.status === 'killed' ? [event(end, 'kill')] : []),
    ],
    // a replay links to the execution it replays, in that one's trace
    links: exec.replayOf
      ? [
          {
            traceId: replayedTraceId ?? ownTraceId(exec.replayOf),
            spanId: executionSpanId(exec.replayOf),
            attributes: [],
          },
        ]
      : [],
    status: errorStatus(exec.error, failed),
  }
  const spans: Span[] = [execution]
  const byRun = new Map<number, Span>()
  let dropped = 0
  for (const run of [...runs].sort((a, b) => a.id - b.id)) {
    if (run.startedAt === null) continue
    const parent = (run.parentId !== null ? byRun.get(run.parentId) : undefined) ?? execution
    const handler = handlerEvent(run.lane)
    if (handler) parent.events.push(event(run.startedAt, handler, { 'edgeflow.task.id': run.taskId }))
    const made = runSpans(exec, run, parent.spanId, end, base)
    if (spans.length + made.length > MAX_SPANS) {
      dropped += made.length
      continue
    }
    byRun.set(run.id, made[0] as Span)
    spans.push(...made)
  }
  if (dropped > 0) execution.attributes.push(...attributes({ 'edgeflow.trace.dropped_spans': dropped }))
  return { spans, dropped }
}

/** A run's span, then its attempts'. */
function runSpans(
  exec: TracedExecution,
  run: RunState,
  parentSpanId: string,
  execEnd: number,
  base: Pick<Span, 'traceId' | 'links'> & { traceState?: string },
): Span[] {
  const start = run.startedAt ?? execEnd
  const end = run.endedAt ?? execEnd
  const failed = run.status === 'failed' || run.status === 'killed'
  const spanId = runSpanId(exec.id, run.id)
  const events: SpanEvent[] = []
  run.attempts.forEach((attempt, index) => {
    const previous = run.attempts[index - 1]
    if (!previous) return
    if (previous.endedAt !== null) {
      events.push(event(previous.endedAt, 'back-off', { 'edgeflow.backoff_ms': attempt.startedAt - previous.endedAt }))
    }
    events.push(event(attempt.startedAt, 'retry', { 'edgeflow.attempt': attempt.number }))
  })
  if (run.type === 'delay') events.push(event(start, 'delay', { 'edgeflow.delay_ms': end - start }))
  if (run.type === 'wait') events.push(event(start, 'wait', { 'edgeflow.wait.event': run.wait?.event ?? null }))
  if (run.status === 'killed') events.push(event(end, 'kill'))
  if (run.error && failed) events.push(exceptionEvent(end, run.error))
  const span: Span = {
    ...base,
    links: [],
    spanId,
    parentSpanId,
    name: `${run.type} ${run.taskId}`,
    kind: SpanKind.internal,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(end),
    attributes: attributes({
      'edgeflow.task.id': run.taskId,
      'edgeflow.task.type': run.type,
      'edgeflow.task_run.id': run.id,
      'edgeflow.task_run.status': run.status,
      'edgeflow.task_run.lane': run.lane,
      'edgeflow.task_run.iteration': run.iteration,
      'edgeflow.task_run.reused': run.reused || null,
      'edgeflow.child_execution.id': run.childExecutionId,
      'error.type': failed ? (run.error?.type ?? run.status) : null,
    }),
    events,
    status: errorStatus(run.error, failed),
  }
  return [span, ...run.attempts.map((attempt) => attemptSpan(exec, run, attempt, spanId, end, base))]
}

/** An attempt's span: an HTTP client span for an http task (semantic conventions), internal otherwise. */
function attemptSpan(
  exec: TracedExecution,
  run: RunState,
  attempt: Attempt,
  parentSpanId: string,
  runEnd: number,
  base: Pick<Span, 'traceId' | 'links'> & { traceState?: string },
): Span {
  const failed = attempt.status === 'failed' || attempt.status === 'killed'
  const end = attempt.endedAt ?? runEnd
  const http = run.type === 'http' ? httpAttributes(run, attempt) : null
  return {
    ...base,
    links: [],
    spanId: attemptSpanId(exec.id, run.id, attempt.number),
    parentSpanId,
    name: http ? String(http['http.request.method']) : `attempt ${attempt.number}`,
    kind: http ? SpanKind.client : SpanKind.internal,
    startTimeUnixNano: nanos(attempt.startedAt),
    endTimeUnixNano: nanos(end),
    attributes: attributes({
      'edgeflow.task.id': run.taskId,
      'edgeflow.attempt': attempt.number,
      'edgeflow.attempt.status': attempt.status,
      'edgeflow.child_execution.id': attempt.childExecutionId,
      'error.type': failed ? (attempt.error?.type ?? attempt.status) : null,
      ...http,
    }),
    events: attempt.error && failed ? [exceptionEvent(end, attempt.error)] : [],
    status: errorStatus(attempt.error, failed),
  }
}

const ANSWERED = / answered (\d{3})$/

/** `http.request.method`, `url.full` (no query), `server.*` and the status an attempt got, when it is known. */
function httpAttributes(run: RunState, attempt: Attempt): Record<string, string | number | null> {
  const input = (attempt.input ?? {}) as { method?: unknown; url?: unknown }
  const url = safeUrl(input.url)
  const last = run.attempts.at(-1) === attempt
  const output = last && attempt.status === 'completed' ? (run.output as { status?: unknown } | null) : null
  const answered = ANSWERED.exec(attempt.error?.message ?? '')?.[1]
  const status = typeof output?.status === 'number' ? output.status : answered ? Number(answered) : null
  return {
    'http.request.method': typeof input.method === 'string' ? input.method : 'GET',
    'url.full': url ? url.href : null,
    'server.address': url ? url.hostname : null,
    'server.port': url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : null,
    'http.response.status_code': status,
  }
}

/** Spans in parts of at most `maxBytes` of JSON each (a queue message holds 128 KB). */
export function chunkSpans(spans: readonly Span[], maxBytes: number): Span[][] {
  const parts: Span[][] = []
  let part: Span[] = []
  let bytes = 0
  for (const span of spans) {
    const size = new TextEncoder().encode(JSON.stringify(span)).length
    if (part.length > 0 && bytes + size > maxBytes) {
      parts.push(part)
      part = []
      bytes = 0
    }
    part.push(span)
    bytes += size
  }
  if (part.length > 0) parts.push(part)
  return parts
}
