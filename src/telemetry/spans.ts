/**
 * @module A trace's facts (trace-facts.ts) encoded as OpenTelemetry spans in OTLP/JSON (README,
 * Traces), by the trace queue's consumer: the span ids derived from the execution, run and attempt
 * ids (so that a trace sent twice has the same ids), times in nanoseconds, attributes as OTLP
 * writes them. Pure; the decisions — which spans, their parents, events and errors — are the facts'.
 */
import { attemptSpanId, executionSpanId, ownTraceId, runSpanId, type TraceRoot } from '../domain/trace-context'
import type { RunState } from '../core/state'
import { attributes, nanos, type Span, type SpanEvent, StatusCode } from './otlp'
import { type EventFacts, type SpanFacts, type TraceFacts, type TracedExecution, traceFacts } from './trace-facts'

const encodeEvent = (fact: EventFacts): SpanEvent => ({
  timeUnixNano: nanos(fact.at),
  name: fact.name,
  attributes: attributes(fact.attributes),
})

/** The span id of a run's or attempt's span (the execution's: no run). */
function spanIdOf(executionId: string, run: number | undefined, attempt: number | undefined): string {
  if (run === undefined) return executionSpanId(executionId)
  return attempt === undefined ? runSpanId(executionId, run) : attemptSpanId(executionId, run, attempt)
}

/** One span of the trace `facts` belongs to. */
function encodeSpan(trace: Omit<TraceFacts, 'spans'>, fact: SpanFacts): Span {
  const { executionId } = trace
  const parentSpanId =
    fact.run === undefined
      ? trace.parentSpanId
      : fact.parent === null
        ? executionSpanId(executionId)
        : runSpanId(executionId, fact.parent)
  return {
    traceId: trace.traceId,
    ...(trace.traceState ? { traceState: trace.traceState } : {}),
    spanId: spanIdOf(executionId, fact.run, fact.attempt),
    ...(parentSpanId ? { parentSpanId } : {}),
    name: fact.name,
    kind: fact.kind,
    startTimeUnixNano: nanos(fact.start),
    endTimeUnixNano: nanos(fact.end),
    attributes: attributes(fact.attributes),
    events: fact.events.map(encodeEvent),
    links: fact.link
      ? [
          {
            traceId: fact.link.traceId ?? ownTraceId(fact.link.executionId),
            spanId: executionSpanId(fact.link.executionId),
            attributes: [],
          },
        ]
      : [],
    status: fact.error === null ? { code: StatusCode.unset } : { code: StatusCode.error, message: fact.error },
  }
}

/** The spans of a trace message, in its order. */
export const encodeSpans = ({ spans, ...trace }: TraceFacts): Span[] => spans.map((fact) => encodeSpan(trace, fact))

/** The spans of an ended execution in the trace `root` (the execution span first): its facts, encoded. */
export function executionSpans(
  exec: TracedExecution,
  runs: readonly RunState[],
  root: TraceRoot,
  replayedTraceId: string | null = null,
): { spans: Span[]; dropped: number } {
  const { facts, dropped } = traceFacts(exec, runs, root, replayedTraceId)
  return { spans: encodeSpans(facts), dropped }
}
