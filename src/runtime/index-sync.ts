/**
 * @module Keeping the D1 summary up to date from the object: one send to the index queue in flight
 * at a time, the latest version each time, a failed send retried with back-off from the alarm. A
 * sent summary is the queue's to deliver (docs/architecture.md, "The index follows"): the object
 * records the version the queue accepted, and sends its summary once more whenever it is loaded
 * from storage, or when the queue's dead-letter consumer hands a summary back.
 */
import type { ExecutionRow } from '../store/execution/schema'

/** How long after a send starts its alarm guard fires if nothing confirmed it. */
export const INDEX_GUARD_MS = 10_000

export class IndexSync {
  private writing = false
  private failures = 0
  private retryAt: number | null = null
  /**
   * When the alarm's guard fires for the debt owed now: set when the debt starts and kept while
   * it lasts, so that each flush of a running execution does not move — and re-arm — the alarm.
   */
  private guardAt: number | null = null

  constructor(
    /** The version the index queue accepted (D1 has it, or will). */
    public indexed: number,
    private readonly write: (row: ExecutionRow) => Promise<void>,
    private readonly now: () => number,
  ) {}

  /**
   * Whether to send the summary once more although the queue accepted this version: a repair, not
   * a debt (no alarm for it), that an object loaded from storage makes.
   */
  private resend = false

  repair(): void {
    this.resend = true
  }

  /** A send is in flight: its answer will write (the version accepted) or flush (a failure). */
  get sending(): boolean {
    return this.writing
  }

  /** When the alarm must run for the index's sake, or null when nothing is owed to the index. */
  wakeAt(version: number): number | null {
    if (version <= this.indexed) {
      this.guardAt = null
      return null
    }
    // a guard that passed (its wake found a send still in flight) is set again from now
    if (this.guardAt === null || this.guardAt <= this.now()) this.guardAt = this.now() + INDEX_GUARD_MS
    return this.retryAt ?? this.guardAt
  }

  /** The summary did not reach D1 (the queue gave it up): it is owed again. */
  reindex(): void {
    this.indexed = 0
  }

  /** An alarm ran: a failed write may be retried now. */
  retryNow(): void {
    this.retryAt = null
  }

  /**
   * Starts sending `row` unless a send is in flight, the queue already has it, or a retry is waiting.
   * `written` learns the version the queue now has; `failed` learns why a send failed.
   */
  sync(row: ExecutionRow, written: (version: number) => void, failed: (error: unknown) => void): Promise<void> | null {
    if (this.writing || this.retryAt !== null || (row.version <= this.indexed && !this.resend)) return null
    this.writing = true
    this.resend = false
    return this.write(row).then(
      () => {
        this.writing = false
        this.failures = 0
        this.indexed = Math.max(this.indexed, row.version)
        written(this.indexed)
      },
      (error: unknown) => {
        this.writing = false
        this.resend = row.version <= this.indexed
        this.failures += 1
        this.retryAt = this.now() + Math.min(60_000, 1_000 * 2 ** (this.failures - 1))
        failed(error)
      },
    )
  }
}
