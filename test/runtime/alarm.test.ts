import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Alarm, IN_MEMORY_WAKE_MS, nextAlarm } from '../../src/runtime/alarm'

function port(now = 1_000) {
  const set: (number | null)[] = []
  let woken = 0
  return {
    set,
    woken: () => woken,
    port: { now: () => now, setAlarm: (at: number | null) => set.push(at), wake: () => (woken += 1) },
  }
}

describe('the next alarm', () => {
  it('is the earliest timer, now when work waits, or the index guard', () => {
    expect(nextAlarm([50, 20], false, null, 0)).toBe(20)
    expect(nextAlarm([50], true, null, 5)).toBe(5)
    expect(nextAlarm([50], false, 30, 0)).toBe(30)
    expect(nextAlarm([], false, null, 0)).toBeNull()
  })
})

describe('the alarm', () => {
  it('sets the platform alarm only when the time changes', () => {
    const { set, port: p } = port()
    const alarm = new Alarm(p, 500)
    alarm.arm(500)
    alarm.arm(900_000)
    alarm.arm(900_000)
    alarm.arm(null)
    expect(set).toEqual([900_000, null])
  })

  it('sets it again after it rang, even for the same time', () => {
    const { set, port: p } = port()
    const alarm = new Alarm(p, 900_000)
    alarm.rang()
    alarm.arm(900_000)
    expect(set).toEqual([900_000])
  })
})

describe('the alarm, on a clock the test moves', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('wakes from memory for what is due soon, when it is due', () => {
    const { woken, port: p } = port(1_000)
    const alarm = new Alarm(p, null)
    alarm.arm(1_005)
    vi.advanceTimersByTime(4)
    expect(woken()).toBe(0)
    vi.advanceTimersByTime(1)
    expect(woken()).toBe(1)
    // what is due later is the platform alarm's alone
    alarm.arm(1_000 + IN_MEMORY_WAKE_MS + 60_000)
    vi.runAllTimers()
    expect(woken()).toBe(1)
    alarm.dispose()
  })

  it('says whether it wakes from memory soon, until that wake came or the time moved beyond IN_MEMORY_WAKE_MS', () => {
    const { port: p } = port(1_000)
    const alarm = new Alarm(p, null)
    expect(alarm.wakesSoon).toBe(false)
    alarm.arm(1_005)
    expect(alarm.wakesSoon).toBe(true)
    vi.advanceTimersByTime(5)
    expect(alarm.wakesSoon).toBe(false)
    alarm.arm(1_010)
    alarm.arm(1_000 + IN_MEMORY_WAKE_MS + 1)
    expect(alarm.wakesSoon).toBe(false)
    alarm.dispose()
  })

  it('once disposed, never moves the alarm nor wakes: a replaced runner cannot touch its successor', () => {
    const { set, woken, port: p } = port(1_000)
    const alarm = new Alarm(p, null)
    alarm.arm(1_005)
    alarm.dispose()
    alarm.arm(1_001)
    alarm.arm(null)
    vi.runAllTimers()
    expect(set).toHaveLength(1)
    expect(woken()).toBe(0)
  })
})
