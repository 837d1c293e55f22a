/**
 * @module What an execution owes the rest of the system, delivered off the response path and
 * retried until it lands: its summary for the D1 index (through the index queue), the notice to its parent that it ended, and
 * the order to stop for its children when a kill or a timeout gives them up. The parent notice is
 * a durable timer row until the parent takes it; the index write is guarded by the alarm.
 */
import { NOTIFY_TIMER, TRACE_TIMER } from '../core/timers'
import { toTaskError } from '../domain/errors'
import type { LogLevel } from '../domain/log'
import type { ExecutionRow } from '../store/execution/schema'
import type { RunState } from '../core/state'
import { IndexSync } from './index-sync'
import { deliverOwed } from './owed'
import type { PendingWrites } from './pending-writes'

/** How soon a child tells its parent again that it ended, after a failed or refused try. */
export const NOTIFY_RETRY_MS = 1_000

/** How soon an ended execution sends its trace again when the trace queue did not take it (or nobody knows). */
export const TRACE_RETRY_MS = 30_000

/** The deliveries, as the object carries them out. */
export interface OutboxPort {
  now(): number
  waitUntil(promise: Promise<unknown>): void
  index(row: ExecutionRow): Promise<void>
  /** Whether an answer is being made: index writes wait until it is out (they are not the caller's wait). */
  holdsIndex(): boolean
  notifyParent(row: ExecutionRow): Promise<void>
  killChild(executionId: string): Promise<void>
  /** Hands the ended execution's trace to the trace queue (README, Traces); `runs`: all of them, else null. */
  exportTrace(row: ExecutionRow, runs: RunState[] | null): Promise<void>
}

/** What the outbox needs of the runner it belongs to. */
export interface OutboxHost {
  flush(): void
  log(level: LogLevel, message: string): void
  /** The index queue accepted version `version` (D1 has it, or will). */
  indexed(version: number): void
}

export class Outbox {
  private readonly index: IndexSync
  private readonly kills = new Set<Promise<void>>()
  /** A send of the trace is in flight. */
  private tracing = false
  /** The last send of the trace failed: the next waits for the trace timer. */
  private traceFailed = false

  constructor(
    private readonly port: OutboxPort,
    private readonly writes: PendingWrites,
    private readonly host: OutboxHost,
    indexedVersion: number,
  ) {
    this.index = new IndexSync(indexedVersion, port.index, port.now)
  }

  /** Tells a child execution to stop; a kill waits for these before it ends. */
  killChild(executionId: string): void {
    const kill = this.port.killChild(executionId).catch((error: unknown) => {
      this.host.log('error', `could not kill child execution ${executionId}: ${toTaskError(error).message}`)
    })
    this.kills.add(kill)
    this.port.waitUntil(kill)
  }

  /** Whether this instance has told children to stop (none, after a restart). */
  get killing(): boolean {
    return this.kills.size > 0
  }

  /** Resolves once every child told to stop has answered (or failed to). */
  async killsSettled(): Promise<void> {
    await Promise.allSettled([...this.kills])
    this.kills.clear()
  }

  /**
   * Tells the parent that this execution ended. The notice stays owed — a timer row, written with
   * the final state — until the parent takes it, so a restart in between only delays it.
   */
  notifyParent(row: ExecutionRow): void {
    const owed = { timer: NOTIFY_TIMER, retryMs: NOTIFY_RETRY_MS, what: 'notify the parent execution' }
    deliverOwed(this.port, this.writes, this.host, owed, () => this.port.notifyParent(row))
  }

  /** Whether a parent has yet to take this execution's result. */
  get owesParent(): boolean {
    return this.writes.has(NOTIFY_TIMER)
  }

  /** Sends the summary to the index queue unless a send is in flight or waits for its retry. */
  syncIndex(row: ExecutionRow): void {
    // held back while an answer is made; the alarm's guard (indexWakeAt) still covers the write
    if (this.port.holdsIndex()) return
    const write = this.index.sync(
      row,
      (version) => this.host.indexed(version),
      (error) => {
        this.host.log('warn', `could not send the execution to the index: ${toTaskError(error).message}; retrying`)
        this.host.flush()
      },
    )
    if (write) this.port.waitUntil(write)
  }

  /**
   * The execution ended: its trace is owed — a timer row, written with the final state — until the
   * trace queue took it; sent once the answer is out (`syncTrace`), again when the timer fires.
   */
  owesTrace(): void {
    this.writes.timer(TRACE_TIMER, this.port.now() + TRACE_RETRY_MS)
  }

  /** Whether the trace queue has yet to take this execution's trace. */
  get tracePending(): boolean {
    return this.writes.has(TRACE_TIMER)
  }

  /**
   * Sends the trace if it is owed, no send is in flight, no answer is being made and no retry waits;
   * `runs` gives the execution's runs when the runner kept them all (a retry reads storage).
   */
  syncTrace(row: ExecutionRow, runs: () => RunState[] | null): void {
    if (this.tracing || this.traceFailed || !this.tracePending || this.port.holdsIndex()) return
    this.tracing = true
    const send = this.port.exportTrace(row, runs()).then(
      () => this.writes.cancel(TRACE_TIMER),
      (error: unknown) => {
        this.traceFailed = true
        this.writes.timer(TRACE_TIMER, this.port.now() + TRACE_RETRY_MS)
        this.host.log('warn', `could not send the trace: ${toTaskError(error).message}; retrying`)
      },
    )
    this.port.waitUntil(
      send.finally(() => {
        this.tracing = false
        // the index's send, started with this one, writes when it is answered: the debt crossed out
        // goes in that write, one transaction instead of two an execution (docs/traces.md, Cost)
        if (!this.index.sending) this.host.flush()
      }),
    )
  }

  /** The trace timer fired (which took its row): the trace is owed again, and sent by the flush. */
  retryTrace(): void {
    this.traceFailed = false
    this.owesTrace()
    this.host.flush()
  }

  /** When the alarm must ring for the index's sake (null: nothing is owed to the index). */
  indexWakeAt(version: number): number | null {
    return this.index.wakeAt(version)
  }

  /** The alarm rang: a failed send may be retried now. */
  retryIndexNow(): void {
    this.index.retryNow()
  }

  /** The index queue gave the summary up: it is sent again. */
  reindex(): void {
    this.index.reindex()
  }

  /** The next sync sends the summary once more, although the queue accepted it. */
  repairIndex(): void {
    this.index.repair()
  }
}
