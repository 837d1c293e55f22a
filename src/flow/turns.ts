/**
 * @module When the isolate's thread is owed a turn of the event loop. Every object and the Worker of
 * an isolate share one thread whose clock stands still while code runs, so work is counted instead
 * of timed: JSONata steps as the meter counts them, and a task's own engine work as `TASK_STEPS`.
 * A turn is a `setTimeout(0)`, the only yield workerd offers that lets another request in (measured:
 * about 1.5–2 ms each on the development machine, where a promise, a `Blob` read, `crypto.subtle`,
 * a `MessageChannel` or a storage read costs 0.05–0.5 ms but lets no other request in), so turns
 * are spaced by the work done rather than every few tasks (docs/performance.md, Turns).
 */

/** A few milliseconds of work between turns of the event loop. */
export const STEPS_PER_TURN = 5_000

/** A task's own work in the engine (state, events, its record), in steps: about 0.08 ms on a quiet machine. */
export const TASK_STEPS = 250

/** Tasks between turns when their expressions cost nothing (literal values). */
export const TURN_TASKS = STEPS_PER_TURN / TASK_STEPS

/** Work done by this isolate since its last turn; one counter, since the thread is one. */
let owed = 0

/** Counts `steps` of work; whether a turn is owed now. */
export function spend(steps: number): boolean {
  owed += steps
  return owed >= STEPS_PER_TURN
}

/** The event loop just turned (an event started this code): nothing is owed. */
export function turned(): void {
  owed = 0
}

/** A turn of the event loop: requests waiting for the thread go first. */
export function turn(): Promise<void> {
  owed = 0
  return new Promise<void>((resolve) => setTimeout(resolve, 0))
}
