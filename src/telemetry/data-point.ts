/**
 * @module An ended execution as one Workers Analytics Engine data point (docs/observability.md,
 * Analytics Engine), pure: the flow as the index (the sampling key), what a query groups by as
 * blobs, what it sums or takes quantiles of as doubles. The order is the dataset's schema — a query
 * names `blob2`, `double1` — so a field is only ever appended.
 */
import type { ExecutionSummary } from '../store/d1/schema'

/** The blobs of a data point, in order (`blob1`…). */
export const DATA_POINT_BLOBS = ['flowId', 'status', 'trigger', 'errorType', 'mode', 'errorTaskId'] as const
/** The doubles of a data point, in order (`double1`…). */
export const DATA_POINT_DOUBLES = ['durationMs', 'revision', 'createdAt', 'endedAt'] as const

/** What an ad-hoc run (no flow) is indexed as. */
export const ADHOC_INDEX = '(adhoc)'

export function executionDataPoint(summary: ExecutionSummary): AnalyticsEngineDataPoint {
  const flowId = summary.flowId ?? ADHOC_INDEX
  const blobs: Record<(typeof DATA_POINT_BLOBS)[number], string> = {
    flowId,
    status: summary.status,
    trigger: summary.trigger,
    errorType: summary.errorType ?? '',
    mode: summary.mode,
    errorTaskId: summary.errorTaskId ?? '',
  }
  const doubles: Record<(typeof DATA_POINT_DOUBLES)[number], number> = {
    durationMs: summary.durationMs ?? 0,
    revision: summary.revision,
    createdAt: summary.createdAt,
    endedAt: summary.endedAt ?? 0,
  }
  return {
    indexes: [flowId],
    blobs: DATA_POINT_BLOBS.map((name) => blobs[name]),
    doubles: DATA_POINT_DOUBLES.map((name) => doubles[name]),
  }
}
