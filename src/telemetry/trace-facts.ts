/**
 * @module An ended execution's trace as plain facts (README, Traces): what each span is — its run
 * and attempt, parent, name, kind, times, attributes, events, error — decided by the execution
 * object from what it recorded, but not yet encoded as OTLP. The object hands these to the trace
 * queue and the queue's consumer encodes them (spans.ts): the span ids (hashes), nanosecond times and
 * OTLP attribute shapes cost CPU the object's next answers should not wait for (docs/traces.md,
 * Cost). Values come masked already (docs/architecture.md, Secrets, never); URLs lose their query,
 * fragment and user info here, so that neither the queue nor the collector sees them.
 */
import * as z from 'zod'
import type { ExecutionRow } from '../store/execution/schema'
import type { RunState } from '../core/state'
import type { Attempt, TaskError } from '../domain/types'
import type { TraceRoot } from '../domain/trace-context'
import { phaseOf } from '../core/handlers'
import { SpanKind } from './otlp'

/** Spans of one execution at most: a bigger one keeps its first ones and counts the others. */
export const MAX_SPANS = 2_000

/** Attribute values before encoding; null ones are left out. */
const Values = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
export type Values = z.infer<typeof Values>

export const EventFacts = z.strictObject({ at: z.number(), name: z.string(), attributes: Values })
export type EventFacts = z.infer<typeof EventFacts>

/** One span: the execution's (no run), a run's (no attempt) or an attempt's. */
export const SpanFacts = z.strictObject({
  run: z.number().optional(),
  attempt: z.number().optional(),
  /** The run whose span is the parent; null: the execution's (for the execution: the caller's). */
  parent: z.number().nullable(),
  name: z.string(),
  kind: z.union([z.literal(SpanKind.internal), z.literal(SpanKind.server), z.literal(SpanKind.client)]),
  start: z.number(),
  end: z.number(),
  attributes: Values,
  events: z.array(EventFacts),
  /** A replay's link to the execution it replays, in that one's trace. */
  link: z.strictObject({ traceId: z.string().nullable(), executionId: z.string() }).optional(),
  /** The status message of a failed or killed span; null: its status is unset. */
  error: z.string().nullable(),
})
export type SpanFacts = z.infer<typeof SpanFacts>

/** What one trace message carries: the trace (its root) and some of its spans. */
export const TraceFacts = z.strictObject({
  executionId: z.string(),
  traceId: z.string(),
  parentSpanId: z.string().nullable(),
  traceState: z.string().nullable(),
  spans: z.array(SpanFacts),
})
export type TraceFacts = z.infer<typeof TraceFacts>

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

const errorOf = (error: TaskError | null | undefined, failed: boolean): string | null =>
  failed ? withoutQueries(error?.message ?? 'failed') : null

/** The `exception` event of the semantic conventions for an error. */
const exceptionEvent = (at: number, error: TaskError): EventFacts => ({
  at,
  name: 'exception',
  attributes: { 'exception.type': error.type, 'exception.message': withoutQueries(error.message) },
})

const event = (at: number, name: string, attributes: Values = {}): EventFacts => ({ at, name, attributes })

/** The phase a handler lane belongs to, as an event name (null: not a handler lane). */
function handlerEvent(lane: string): string | null {
  const phase = phaseOf(lane)
  return phase === 'compensate' ? 'compensation' : phase
}

/** The facts of an ended execution's spans in the trace `root` (the execution's span first), and how many were left out. */
export function traceFacts(
  exec: TracedExecution,
  runs: readonly RunState[],
  root: TraceRoot,
  /** For a replay: the trace of the execution it replays (null: the one that execution started itself). */
  replayedTraceId: string | null = null,
): { facts: TraceFacts; dropped: number } {
  const end = exec.endedAt ?? exec.startedAt ?? exec.createdAt
  const failed = exec.status === 'failed' || exec.status === 'killed'
  const { method, path } = exec.input.metadata
  const labels = Object.fromEntries(Object.entries(exec.labels).map(([key, value]) => [`edgeflow.label.${key}`, value]))
  const execution: SpanFacts = {
    parent: null,
    name: exec.flowId ? `execution ${exec.flowId}` : 'execution',
    kind: exec.trigger === 'webhook' ? SpanKind.server : SpanKind.internal,
    start: exec.createdAt,
    end,
    attributes: {
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
      ...labels,
    },
    events: [
      ...(exec.error && failed ? [exceptionEvent(end, exec.error)] : []),
      ...(exec.status === 'killed' ? [event(end, 'kill')] : []),
    ],
    ...(exec.replayOf ? { link: { traceId: replayedTraceId, executionId: exec.replayOf } } : {}),
    error: errorOf(exec.error, failed),
  }
  const spans: SpanFacts[] = [execution]
  const byRun = new Map<number, SpanFacts>()
  let dropped = 0
  for (const run of [...runs].sort((a, b) => a.id - b.id)) {
    if (run.startedAt === null) continue
    const parentRun = run.parentId !== null ? byRun.get(run.parentId) : undefined
    const parent = parentRun ?? execution
    const handler = handlerEvent(run.lane)
    if (handler) parent.events.push(event(run.startedAt, handler, { 'edgeflow.task.id': run.taskId }))
    if (spans.length + 1 + run.attempts.length > MAX_SPANS) {
      dropped += 1 + run.attempts.length
      continue
    }
    const made = runFacts(run, parentRun ? (parentRun.run ?? null) : null, end)
    byRun.set(run.id, made[0] as SpanFacts)
    spans.push(...made)
  }
  if (dropped > 0) execution.attributes['edgeflow.trace.dropped_spans'] = dropped
  const facts = {
    executionId: exec.id,
    traceId: root.traceId,
    parentSpanId: root.parentSpanId,
    traceState: root.traceState,
    spans,
  }
  return { facts, dropped }
}

/** A run's span, then its attempts'. */
function runFacts(run: RunState, parent: number | null, execEnd: number): SpanFacts[] {
  const start = run.startedAt ?? execEnd
  const end = run.endedAt ?? execEnd
  const failed = run.status === 'failed' || run.status === 'killed'
  const events: EventFacts[] = []
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
  const span: SpanFacts = {
    run: run.id,
    parent,
    name: `${run.type} ${run.taskId}`,
    kind: SpanKind.internal,
    start,
    end,
    attributes: {
      'edgeflow.task.id': run.taskId,
      'edgeflow.task.type': run.type,
      'edgeflow.task_run.id': run.id,
      'edgeflow.task_run.status': run.status,
      'edgeflow.task_run.lane': run.lane,
      'edgeflow.task_run.iteration': run.iteration,
      'edgeflow.task_run.reused': run.reused || null,
      'edgeflow.child_execution.id': run.childExecutionId,
      'error.type': failed ? (run.error?.type ?? run.status) : null,
    },
    events,
    error: errorOf(run.error, failed),
  }
  return [span, ...run.attempts.map((attempt) => attemptFacts(run, attempt, end))]
}

/** An attempt's span: an HTTP client span for an http task (semantic conventions), internal otherwise. */
function attemptFacts(run: RunState, attempt: Attempt, runEnd: number): SpanFacts {
  const failed = attempt.status === 'failed' || attempt.status === 'killed'
  const end = attempt.endedAt ?? runEnd
  const http = run.type === 'http' ? httpAttributes(run, attempt) : null
  return {
    run: run.id,
    attempt: attempt.number,
    parent: run.id,
    name: http ? String(http['http.request.method']) : `attempt ${attempt.number}`,
    kind: http ? SpanKind.client : SpanKind.internal,
    start: attempt.startedAt,
    end,
    attributes: {
      'edgeflow.task.id': run.taskId,
      'edgeflow.attempt': attempt.number,
      'edgeflow.attempt.status': attempt.status,
      'edgeflow.child_execution.id': attempt.childExecutionId ?? null,
      'error.type': failed ? (attempt.error?.type ?? attempt.status) : null,
      ...http,
    },
    events: attempt.error && failed ? [exceptionEvent(end, attempt.error)] : [],
    error: errorOf(attempt.error, failed),
  }
}

const ANSWERED = / answered (\d{3})$/

/** `http.request.method`, `url.full` (no query), `server.*` and the status an attempt got, when it is known. */
function httpAttributes(run: RunState, attempt: Attempt): Values {
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

/**
 * The facts as queue messages of at most `maxBytes` of JSON each (a message holds 128 KB), each
 * encoded once: the whole trace in one message when it fits (nearly always), else halves of its
 * spans, recursively (one span's facts are a few KB at most: texts are clipped).
 */
export function traceMessages(facts: TraceFacts, maxBytes: number): string[] {
  const text = JSON.stringify(facts)
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a long text needs counting
  const fits = text.length * 3 <= maxBytes || new TextEncoder().encode(text).length <= maxBytes
  if (fits || facts.spans.length <= 1) return [text]
  const half = Math.ceil(facts.spans.length / 2)
  return [
    ...traceMessages({ ...facts, spans: facts.spans.slice(0, half) }, maxBytes),
    ...traceMessages({ ...facts, spans: facts.spans.slice(half) }, maxBytes),
  ]
}
