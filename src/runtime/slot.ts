/**
 * @module The concurrency slot of one execution, as its runner keeps it. What the execution owes
 * its key's coordinator is a timer row, like a parent's notice: `acquire` while it has not heard
 * whether it got a slot, `release` from the moment it ends — written with the final state, in the
 * same transaction — until the coordinator took the slot back. A restart in between only delays it;
 * the coordinator's answers and releases are idempotent, so a repeated one changes nothing.
 */
import type { AcquireAnswer, SlotRef } from '../core/admission'
import { ACQUIRE_TIMER, RELEASE_TIMER } from '../core/timers'
import { toTaskError } from '../domain/errors'
import type { PendingWrites } from './pending-writes'
import { deliverOwed, type OwedHost } from './owed'

/** How soon an execution asks its coordinator again, after a failed try. */
export const SLOT_RETRY_MS = 1_000

/** The coordinator, as the object reaches it. */
export interface SlotPort {
  now(): number
  waitUntil(promise: Promise<unknown>): void
  acquire(slot: SlotRef, executionId: string): Promise<AcquireAnswer>
  release(slot: SlotRef, executionId: string): Promise<void>
}

/** What the slot needs of the runner it belongs to. */
export type SlotHost = OwedHost

export class Slot {
  constructor(
    private readonly port: SlotPort,
    private readonly writes: PendingWrites,
    private readonly host: SlotHost,
    private readonly ref: SlotRef | null,
    private readonly executionId: string,
  ) {}

  /** Whether the execution has asked for a slot and not heard back yet. */
  get acquiring(): boolean {
    return this.writes.has(ACQUIRE_TIMER)
  }

  /** Whether the execution ended and its coordinator has yet to take its slot back. */
  get owed(): boolean {
    return this.writes.has(RELEASE_TIMER)
  }

  /** Asks for a slot, the question written down first; null when the coordinator could not be reached (asked again later). */
  async acquire(): Promise<AcquireAnswer | null> {
    if (!this.ref) return { outcome: 'granted' }
    this.writes.timer(ACQUIRE_TIMER, this.port.now() + SLOT_RETRY_MS)
    this.host.flush()
    try {
      const answer = await this.port.acquire(this.ref, this.executionId)
      // a queued execution is never refused; should a coordinator say so, the question stays and is asked again
      if (answer.outcome === 'rejected') return null
      this.writes.cancel(ACQUIRE_TIMER)
      return answer
    } catch (error) {
      this.host.log('warn', `could not ask for a concurrency slot: ${toTaskError(error).message}; retrying`)
      return null
    }
  }

  /** The slot was granted by the coordinator's own call (an admission): nothing more to ask. */
  admitted(): void {
    this.writes.cancel(ACQUIRE_TIMER)
  }

  /** Gives the slot (or the place in the queue) back: owed until the coordinator took it. */
  release(): void {
    const ref = this.ref
    if (!ref) return
    this.writes.cancel(ACQUIRE_TIMER)
    const owed = { timer: RELEASE_TIMER, retryMs: SLOT_RETRY_MS, what: 'release the concurrency slot' }
    deliverOwed(this.port, this.writes, this.host, owed, () => this.port.release(ref, this.executionId))
  }
}
