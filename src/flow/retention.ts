/**
 * @module A flow's `retention`: how long an execution is kept after it ends, then deleted with
 * its object and its D1 row. At least a minute, so that an async caller can still poll the end;
 * at most ten years, so that "forever" is a choice someone makes by deleting, not a default.
 */
import { Duration, parseDuration } from '../domain/duration'

const DAY_MS = 86_400_000
export const DEFAULT_RETENTION_MS = 30 * DAY_MS
export const MIN_RETENTION_MS = 60_000
export const MAX_RETENTION_MS = 3_650 * DAY_MS

export const Retention = Duration.refine(
  (value) => {
    const ms = parseDuration(value)
    // an unreadable duration is reported once, by Duration
    return ms === null || (ms >= MIN_RETENTION_MS && ms <= MAX_RETENTION_MS)
  },
  { error: 'retention must be between 1 minute ("1m") and 3650 days ("3650d")' },
)

/** The retention of a flow in milliseconds: its own, or 30 days. */
export const retentionMs = (retention: string | number | undefined): number =>
  retention === undefined ? DEFAULT_RETENTION_MS : (parseDuration(retention) ?? DEFAULT_RETENTION_MS)
