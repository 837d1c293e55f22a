/**
 * @module What changed since the last flush, written to storage in one transaction: task runs,
 * the state row, timers (mirrored in memory to arm the alarm), and log lines within their bound.
 */
import type { RunState } from '../core/state'
import type { Timer } from '../core/timers'
import type { ExecutionRow } from '../store/execution/schema'
import type { ExecutionStore, LogLine } from '../store/execution/store'
import { timerKey } from '../store/execution/timer-keys'

interface Due {
  timer: Timer
  at: number
}

/** Log lines kept per execution; later ones are counted, not stored. */
export const MAX_LOG_LINES = 10_000

export class PendingWrites {
  /** Every timer of the execution, as storage has them after a flush (keyed as storage keys them). */
  private readonly timers = new Map<string, Due>()
  /** A timer was set or cancelled since the last flush: storage holds them as one value, written whole. */
  private timersChanged = false
  private readonly runs = new Map<number, RunState>()
  private readonly lines: LogLine[] = []
  /** The state row changed. */
  state = false

  constructor(
    timers: { timer: Timer; dueAt: number }[],
    private logCount: number,
    /** Log lines over the bound, counted. */
    public dropped: number,
  ) {
    for (const { timer, dueAt } of timers) this.timers.set(timerKey(timer), { timer, at: dueAt })
  }

  run(run: RunState): void {
    this.runs.set(run.id, run)
  }

  /** Run `id` as changed since the last flush, if it changed. */
  unflushed(id: number): RunState | undefined {
    return this.runs.get(id)
  }

  timer(timer: Timer, at: number): void {
    const key = timerKey(timer)
    this.timers.set(key, { timer, at })
    this.timersChanged = true
  }

  cancel(timer: Timer): void {
    const key = timerKey(timer)
    if (this.timers.delete(key)) this.timersChanged = true
  }

  has(timer: Timer): boolean {
    return this.timers.has(timerKey(timer))
  }

  /** When each timer is due. */
  dueTimes(): number[] {
    return [...this.timers.values()].map((due) => due.at)
  }

  /** The timers due at `now`, earliest first, removed. */
  due(now: number): Timer[] {
    const due = [...this.timers.values()].filter(({ at }) => at <= now).sort((a, b) => a.at - b.at)
    for (const { timer } of due) this.cancel(timer)
    return due.map(({ timer }) => timer)
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
    return !this.state && this.runs.size === 0 && !this.timersChanged && this.lines.length === 0
  }

  /** Writes what changed in one transaction; `row` is the state row, written when it changed. */
  flush(store: ExecutionStore, row: ExecutionRow): void {
    store.transaction(() => {
      store.saveRuns([...this.runs.values()])
      if (this.state) store.saveExecution(row)
      if (this.timersChanged) store.saveTimers(Object.fromEntries([...this.timers].map(([key, due]) => [key, due.at])))
      store.appendLogs(this.lines)
    })
    this.runs.clear()
    this.timersChanged = false
    this.lines.length = 0
    this.state = false
  }
}
