/**
 * @module Timers as the `timers` table keys them: `execution`, `cleanup`, `notify`, `acquire`, `release`, `trace`, and
 * `<kind>:<runId>` for a task run's. The only place that knows the format.
 */
import type { Timer } from '../../core/timers'
import { unreachable } from '../../domain/errors'

/** A named error: a key in storage that no version of edgeflow wrote. */
export class UnknownTimerKey extends Error {
  readonly type = 'unknown_timer_key'
}

export function timerKey(timer: Timer): string {
  switch (timer.kind) {
    case 'execution':
    case 'cleanup':
    case 'notify':
    case 'acquire':
    case 'release':
    case 'trace':
      return timer.kind
    case 'wake':
    case 'retry':
    case 'timeout':
      return `${timer.kind}:${timer.runId}`
    default:
      return unreachable(timer)
  }
}

export function parseTimerKey(key: string): Timer {
  const [kind = '', id] = key.split(':')
  const runId = Number(id)
  switch (kind) {
    case 'execution':
    case 'cleanup':
    case 'notify':
    case 'acquire':
    case 'release':
    case 'trace':
      if (id === undefined) return { kind }
      break
    case 'wake':
    case 'retry':
    case 'timeout':
      if (Number.isSafeInteger(runId) && runId > 0) return { kind, runId }
      break
  }
  throw new UnknownTimerKey(`unknown timer key "${key}"`)
}
