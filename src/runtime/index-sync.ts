/**
 * @module Keeping the D1 summary up to date from the object: one write in flight at a time, the
 * latest version each time, a failed write retried with back-off from the alarm.
 */
import type { ExecutionRow } from '../store/execution/schema'

/** How long after a write starts its alarm guard fires if nothing confirmed it. */
export const INDEX_GUARD_MS = 10_000

export class IndexSync {
  private writing = false
  private failures = 0
  private retryAt: number | null = null
  private current: Promise<void> = Promise.resolve()

  constructor(
    /** The version D1 is known to have. */
    public indexed: number,
    private readonly write: (row: ExecutionRow) => Promise<void>,
    private readonly now: () => number,
  ) {}

  /** When the alarm must run for the index's sake, or null when D1 is up to date. */
  wakeAt(version: number): number | null {
    return version > this.indexed ? (this.retryAt ?? this.now() + INDEX_GUARD_MS) : null
  }

  /** An alarm ran: a failed write may be retried now. */
  retryNow(): void {
    this.retryAt = null
  }

  /**
   * Starts writing `row` unless a write is in flight, D1 already has it, or a retry is waiting.
   * `written` learns the version D1 now has; `failed` learns why a write failed.
   */
  sync(row: ExecutionRow, written: (version: number) => void, failed: (error: unknown) => void): Promise<void> | null {
    if (this.writing || row.version <= this.indexed || this.retryAt !== null) return null
    this.writing = true
    this.current = this.write(row).then(
      () => {
        this.writing = false
        this.failures = 0
        this.indexed = Math.max(this.indexed, row.version)
        written(this.indexed)
      },
      (error: unknown) => {
        this.writing = false
        this.failures += 1
        this.retryAt = this.now() + Math.min(60_000, 1_000 * 2 ** (this.failures - 1))
        failed(error)
      },
    )
    return this.current
  }

  /** Resolves once no write is in flight. */
  idle(): Promise<void> {
    return this.current.catch(() => undefined)
  }
}
