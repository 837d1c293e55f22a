import { describe, expect, it } from 'vitest'
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

  it('wakes from memory for what is due soon', async () => {
    const { woken, port: p } = port(Date.now())
    const alarm = new Alarm(p, null)
    alarm.arm(Date.now() + 5)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(woken()).toBe(1)
    alarm.arm(Date.now() + IN_MEMORY_WAKE_MS + 60_000)
    alarm.dispose()
  })

  it('once disposed, never moves the alarm nor wakes: a replaced runner cannot touch its successor', async () => {
    const { set, woken, port: p } = port(Date.now())
    const alarm = new Alarm(p, null)
    alarm.arm(Date.now() + 5)
    alarm.dispose()
    alarm.arm(Date.now() + 1)
    alarm.arm(null)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(set).toHaveLength(1)
    expect(woken()).toBe(0)
  })
})
