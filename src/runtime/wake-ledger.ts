/**
 * @module Wakes of an execution that began and never finished. A wake that takes its isolate down
 * (the CPU limit, a crash, a hang) cannot record its own failure, so each wake is written down —
 * durably — before it runs and crossed out when it returns; a few marks in a row mean the
 * execution is poison, and it is failed instead of being woken again and again.
 */

/** Unfinished wakes in a row after which the execution is failed. */
export const MAX_UNFINISHED_WAKES = 3

/** Where the count is kept: a row of the execution's keyed table (no table of its own). */
export interface LedgerStore {
  unfinishedWakes(): number
  setUnfinishedWakes(count: number): void
}

export class WakeLedger {
  /**
   * This instance wrote the next wake's mark when its last wake returned (`finish(true)`): the wake
   * it expects soon begins without writing it again, off the path of its lateness. An instance
   * started afresh does not know it, and counts the mark as a wake that did not finish (one more
   * than happened, until a wake returns) — safe, since a wake that dies leaves no mark ahead.
   */
  private ahead = false
  /** The count storage holds, as the wake running now wrote or read it (null: no wake runs). */
  private held: number | null = null

  constructor(private readonly store: LedgerStore) {}

  /**
   * Writes a wake down; answers how many wakes before it did not finish, and whether its mark was
   * written ahead (then it is made durable already, or being made so, by the wake before).
   */
  begin(): { unfinished: number; ahead: boolean } {
    const unfinished = this.store.unfinishedWakes()
    // the mark ahead is there as this instance wrote it (nothing else counted meanwhile)
    if (this.ahead && unfinished === 1) {
      this.ahead = false
      this.held = 1
      return { unfinished: 0, ahead: true }
    }
    this.ahead = false
    this.store.setUnfinishedWakes(unfinished + 1)
    this.held = unfinished + 1
    return { unfinished, ahead: false }
  }

  /**
   * The wake returned: the execution made progress. `next`: another wake is due soon in this
   * instance, and its mark is written now, ahead of it. Answers whether it wrote: when storage
   * holds a count of 1 — this wake's own mark, on disk before it ran — that count is the next
   * wake's mark as well, so a wake that follows another (a long flow's slices) writes nothing and
   * waits for no disk.
   */
  finish(next = false): boolean {
    const count = next ? 1 : 0
    const held = this.held
    this.held = null
    this.ahead = next
    if (held === count) return false
    this.store.setUnfinishedWakes(count)
    return true
  }
}

/** The error of an execution failed for never finishing a wake. */
export const poisonMessage = (unfinished: number) =>
  `the execution was woken ${unfinished} times in a row without finishing (its work exceeded the CPU limit, crashed the object or hung); it was stopped rather than woken again`
