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
  constructor(private readonly store: LedgerStore) {}

  /** Writes a wake down; answers how many wakes before it did not finish. */
  begin(): number {
    const unfinished = this.store.unfinishedWakes()
    this.store.setUnfinishedWakes(unfinished + 1)
    return unfinished
  }

  /** The wake returned: the execution made progress. */
  finish(): void {
    this.store.setUnfinishedWakes(0)
  }
}

/** The error of an execution failed for never finishing a wake. */
export const poisonMessage = (unfinished: number) =>
  `the execution was woken ${unfinished} times in a row without finishing (its work exceeded the CPU limit, crashed the object or hung); it was stopped rather than woken again`
