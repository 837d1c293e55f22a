/**
 * @module The runs a runner wrote, kept for its execution's trace while they are every run of it
 * (the runner created the execution, nothing was in storage before): the trace is then built from
 * memory after the answer, without reading the runs back from storage (docs/traces.md, Cost). A
 * runner loaded after a restart, one of a reused execution, or one past `KEPT_RUNS` keeps none and
 * the trace reads storage, as before.
 */
import type { RunState } from '../core/state'

/** Runs kept at most: a bigger execution's trace reads them from storage rather than hold them all. */
export const KEPT_RUNS = 200

export class TracedRuns {
  private runs: Map<number, RunState> | null

  /** `complete`: every run of the execution will pass through `wrote` (and tracing is on). */
  constructor(complete: boolean) {
    this.runs = complete ? new Map() : null
  }

  /** A run was written (its latest state replaces the one before). */
  wrote(run: RunState): void {
    if (!this.runs) return
    this.runs.set(run.id, run)
    if (this.runs.size > KEPT_RUNS) this.runs = null
  }

  /** Every run of the execution, handed over once (null: not kept, read them from storage). */
  take(): RunState[] | null {
    const runs = this.runs && [...this.runs.values()]
    this.runs = null
    return runs
  }
}
