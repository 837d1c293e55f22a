/**
 * @module The one alarm an execution's object has, armed for the earliest thing it must do, and
 * an in-memory timer beside it for what is due soon (the alarm is durable but coarse). A disposed
 * alarm never arms again: a runner that was replaced cannot move its successor's alarm.
 */

/** Timers due within this long also wake the object from memory, more precisely than its alarm. */
export const IN_MEMORY_WAKE_MS = 10_000

/** When the alarm must ring next: the earliest timer, now when work waits, or the index's guard. */
export function nextAlarm(dueTimes: Iterable<number>, workWaiting: boolean, indexAt: number | null, now: number) {
  let next: number | null = null
  const consider = (at: number | null) => {
    if (at !== null && (next === null || at < next)) next = at
  }
  for (const at of dueTimes) consider(at)
  if (workWaiting) consider(now)
  consider(indexAt)
  return next
}

/** What the alarm drives: the platform's alarm, and the object's wake from memory. */
export interface AlarmPort {
  now(): number
  setAlarm(at: number | null): void
  wake(): void
}

export class Alarm {
  private disposed = false
  private memoryTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly port: AlarmPort,
    /** When the platform's alarm is set for, as the object found it. */
    private armedAt: number | null,
  ) {}

  /** The platform's alarm rang, which clears it. */
  rang(): void {
    this.armedAt = null
  }

  arm(at: number | null): void {
    if (this.disposed || at === this.armedAt) return
    this.armedAt = at
    this.port.setAlarm(at)
    clearTimeout(this.memoryTimer)
    this.memoryTimer = undefined
    const delay = at === null ? null : at - this.port.now()
    if (delay !== null && delay <= IN_MEMORY_WAKE_MS) {
      this.memoryTimer = setTimeout(
        () => {
          this.memoryTimer = undefined
          this.port.wake()
        },
        Math.max(0, delay),
      )
    }
  }

  /** Whether a wake from memory is set: the object wakes within `IN_MEMORY_WAKE_MS`. */
  get wakesSoon(): boolean {
    return this.memoryTimer !== undefined
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.memoryTimer)
    this.memoryTimer = undefined
  }
}
