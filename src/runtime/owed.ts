/**
 * @module A delivery the execution owes another object (a parent's notice, a coordinator's slot):
 * written down first as a timer row, then sent; the row goes when the other side took it, and
 * fires a retry from the alarm otherwise — after a failure or a restart alike.
 */
import type { Timer } from '../core/timers'
import { toTaskError } from '../domain/errors'
import type { LogLevel } from '../domain/log'
import type { PendingWrites } from './pending-writes'

export interface OwedPort {
  now(): number
  waitUntil(promise: Promise<unknown>): void
}

export interface OwedHost {
  flush(): void
  log(level: LogLevel, message: string): void
}

/** Owes `send` under `timer` (retried after `retryMs`) until it succeeds; `what` names it in the log. */
export function deliverOwed(
  port: OwedPort,
  writes: PendingWrites,
  host: OwedHost,
  owed: { timer: Timer; retryMs: number; what: string },
  send: () => Promise<unknown>,
): void {
  writes.timer(owed.timer, port.now() + owed.retryMs)
  host.flush()
  const attempt = send().then(
    () => {
      writes.cancel(owed.timer)
      host.flush()
    },
    (error: unknown) => {
      host.log('warn', `could not ${owed.what}: ${toTaskError(error).message}; retrying`)
      host.flush()
    },
  )
  port.waitUntil(attempt)
}
