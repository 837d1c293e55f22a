/**
 * @module When the isolate's thread is owed a turn of the event loop. Every object and the Worker of
 * an isolate share one thread whose clock stands still while code runs, so work is counted instead
 * of timed: JSONata steps as the meter counts them, and a task's own engine work as `TASK_STEPS`.
 * A turn is a `setTimeout(0)`, the only yield workerd offers that lets another request in (measured:
 * about 1.5–2 ms each on the development machine, where a promise, a `Blob` read, `crypto.subtle`,
 * a `MessageChannel` or a storage read costs 0.05–0.5 ms but lets no other request in), so a turn
 * comes soon only while a request of the isolate is in flight — it waits for the thread at each of
 * its hops — or was just answered, and rarely otherwise, for requests that have not begun
 * (docs/performance.md, Turns).
 */

/** A few milliseconds of work between turns while a request of the isolate is in flight, or was lately. */
export const STEPS_PER_TURN = 5_000

/**
 * Work between turns while none is: a request that has not begun is invisible until it runs, so it
 * waits for one of these (a slice of 100 literal tasks is 25,000: the slice's end turns first).
 */
export const IDLE_STEPS_PER_TURN = 25_000

/**
 * Work after an answer during which turns stay as frequent as while it was in flight: a client
 * just answered often asks again at once (a read loop), and its next request waits for a turn.
 * Five turns: two left the next read of a loop waiting for the idle turn (2.55× its usual p50).
 */
export const AFTER_ANSWER_STEPS = 5 * STEPS_PER_TURN

/** Steps between two looks at the requests in flight, once a turn would be owed if one were. */
const LOOK_STEPS = 1_000

/** A task's own work in the engine (state, events, its record), in steps: about 0.08 ms on a quiet machine. */
export const TASK_STEPS = 250

/** Tasks between turns when their expressions cost nothing (literal values) and a request is in flight. */
export const TURN_TASKS = STEPS_PER_TURN / TASK_STEPS

/** Work done by this isolate since its last turn; one counter, since the thread is one. */
let owed = 0
/** When `spend` looks at the requests in flight next. */
let lookAt = STEPS_PER_TURN
/** Requests of this isolate begun and not answered (`serving`). */
let inFlight = 0
/** Work done since a request of the isolate was last answered. */
let sinceAnswer = Infinity

/** Counts `steps` of work; whether a turn is owed now. */
export function spend(steps: number): boolean {
  owed += steps
  sinceAnswer += steps
  if (owed < lookAt) return false
  if (inFlight > 0 || sinceAnswer <= AFTER_ANSWER_STEPS || owed >= IDLE_STEPS_PER_TURN) return true
  lookAt = owed + LOOK_STEPS
  return false
}

/** The event loop just turned (an event started this code): nothing is owed. */
export function turned(): void {
  owed = 0
  lookAt = STEPS_PER_TURN
}

/** A turn of the event loop: requests waiting for the thread go first. */
export function turn(): Promise<void> {
  turned()
  return new Promise<void>((resolve) => setTimeout(resolve, 0))
}

/**
 * Runs `work`, a request the isolate serves (the Worker's events), counted in flight until it
 * settles: each of its hops back onto the thread (an object's answer, its own continuation) comes
 * within `STEPS_PER_TURN` of work while it is.
 */
export async function serving<T>(work: () => Promise<T>): Promise<T> {
  inFlight += 1
  try {
    return await work()
  } finally {
    inFlight -= 1
    sinceAnswer = 0
  }
}
