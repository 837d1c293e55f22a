/**
 * @module The timers an execution keeps: one alarm is armed for the earliest. A timer is a value
 * of a discriminated union here; only the store turns it into a text key (store/execution/timer-keys).
 */

export type Timer =
  /** The execution's own timeout. */
  | { kind: 'execution' }
  /** The execution's retention is over: its object deletes it. */
  | { kind: 'cleanup' }
  /** A parent has yet to take this child's end: tell it again. */
  | { kind: 'notify' }
  /** The execution has yet to hear from its concurrency coordinator whether it got a slot: ask again. */
  | { kind: 'acquire' }
  /** The execution ended and its coordinator has yet to take its slot back: give it back again. */
  | { kind: 'release' }
  /** The execution ended and the trace queue has yet to take its trace: send it again. */
  | { kind: 'trace' }
  /** A `delay` task run is due to end. */
  | { kind: 'wake'; runId: number }
  /** A failed task run's back-off is over: its next attempt may start. */
  | { kind: 'retry'; runId: number }
  /** A task run's attempt (or its wait) has run out of time. */
  | { kind: 'timeout'; runId: number }

export type TimerKind = Timer['kind']

export const EXECUTION_TIMER: Timer = { kind: 'execution' }
export const CLEANUP_TIMER: Timer = { kind: 'cleanup' }
export const NOTIFY_TIMER: Timer = { kind: 'notify' }
export const ACQUIRE_TIMER: Timer = { kind: 'acquire' }
export const RELEASE_TIMER: Timer = { kind: 'release' }
export const TRACE_TIMER: Timer = { kind: 'trace' }

/** The timers that belong to one task run. */
export const runTimers = (runId: number): Timer[] => [
  { kind: 'wake', runId },
  { kind: 'retry', runId },
  { kind: 'timeout', runId },
]

/** How soon a deletion that could not finish, or had to wait, tries again. */
export const CLEANUP_RETRY_MS = 60_000
