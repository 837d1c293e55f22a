/**
 * @module What changed since the last flush, written to storage in one transaction: task runs,
 * the state row, timers (mirrored in memory to arm the alarm), and log lines within their bound.
 */
import type { RunState } from '../core/state'
import type { ExecutionRow } from '../store/execution/schema'
import type { ExecutionStore, LogLine } from '../store/execution/store'

/** Log lines kept per execution; later ones are counted, not stored. */
export const MAX_LOG_LINES = 10_000

export class PendingWrites {
  /** Every timer of the execution (key → due time), as storage has them after a flush. */
  readonly timers = new Map<string, number>()
  private readonly changedTimers = new Map<string, number | null>()
  private readonly runs = new Map<number, RunState>()
  private readonly lines: LogLine[] = []
  /** The state row changed. */
  state = false

  constructor(
    timers: { key: string; dueAt: number }[],
    private logCount: number,
    /** Log lines over the bound, counted. */
    public dropped: number,
  ) {
    for (const timer of timers) this.timers.set(timer.key, timer.dueAt)
  }

  run(run: RunState): void {
    this.runs.set(run.id, run)
  }

  timer(key: string, at: number): void {
    this.timers.set(key, at)
    this.changedTimers.set(key, at)
  }

  cancel(key: string): void {
    if (this.timers.delete(key)) this.changedTimers.set(key, null)
  }

  /** The keys of the timers due at `now`, earliest first, removed. */
  due(now: number): string[] {
    const keys = [...this.timers]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .map(([key]) => key)
    for (const key of keys) this.cancel(key)
    return keys
  }

  log(line: LogLine): void {
    if (this.logCount >= MAX_LOG_LINES) {
      this.dropped += 1
      this.state = true
      return
    }
    this.logCount += 1
    this.lines.push(line)
  }

  get empty(): boolean {
    return !this.state && this.runs.size === 0 && this.changedTimers.size === 0 && this.lines.length === 0
  }

  /** Writes what changed in one transaction; `row` is the state row, written when it changed. */
  flush(store: ExecutionStore, row: ExecutionRow): void {
    store.transaction(() => {
      store.saveRuns([...this.runs.values()])
      if (this.state) store.saveExecution(row)
      for (const [key, at] of this.changedTimers) {
        if (at === null) store.deleteTimer(key)
        else store.setTimer(key, at)
      }
      store.appendLogs(this.lines)
    })
    this.runs.clear()
    this.changedTimers.clear()
    this.lines.length = 0
    this.state = false
  }
}
