import { describe, expect, it } from 'vitest'
import type { Timer } from '../../../src/core/timers'
import { parseTimerKey, timerKey, UnknownTimerKey } from '../../../src/store/execution/timer-keys'

const EVERY_KIND: [Timer, string][] = [
  [{ kind: 'execution' }, 'execution'],
  [{ kind: 'cleanup' }, 'cleanup'],
  [{ kind: 'notify' }, 'notify'],
  [{ kind: 'wake', runId: 3 }, 'wake:3'],
  [{ kind: 'retry', runId: 12 }, 'retry:12'],
  [{ kind: 'timeout', runId: 7 }, 'timeout:7'],
]

describe('timer keys', () => {
  it.each(EVERY_KIND)('store %o as the key earlier versions wrote, %s, and read it back', (timer, key) => {
    expect(timerKey(timer)).toBe(key)
    expect(parseTimerKey(key)).toEqual(timer)
  })

  it.each(['', 'wake', 'wake:x', 'wake:0', 'execution:1', 'sleep:1'])('refuse the key %j by name', (key) => {
    expect(() => parseTimerKey(key)).toThrow(UnknownTimerKey)
  })
})
