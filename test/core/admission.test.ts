import { describe, expect, it } from 'vitest'
import {
  admissions,
  averageHold,
  decideAcquire,
  decideRate,
  retryAfterSeconds,
  slotRetryAfterMs,
} from '../../src/core/admission'

describe('concurrency slots', () => {
  it('go at once while slots are free and nobody waits', () => {
    expect(decideAcquire({ held: 1, queued: 0, limit: 2 }, 'queue')).toBe('grant')
    expect(decideAcquire({ held: 1, queued: 0, limit: 2 }, 'reject')).toBe('grant')
  })

  it('are queued or refused at the limit, as the flow says', () => {
    expect(decideAcquire({ held: 2, queued: 0, limit: 2 }, 'queue')).toBe('queue')
    expect(decideAcquire({ held: 2, queued: 0, limit: 2 }, 'reject')).toBe('reject')
  })

  it('never let an arrival overtake the queue, even when a slot is free for a moment', () => {
    expect(decideAcquire({ held: 1, queued: 3, limit: 2 }, 'queue')).toBe('queue')
  })

  it('admit from the head of the queue as many as there are free slots', () => {
    expect(admissions({ held: 2, queued: 5, limit: 2 })).toBe(0)
    expect(admissions({ held: 1, queued: 5, limit: 2 })).toBe(1)
    expect(admissions({ held: 0, queued: 1, limit: 4 })).toBe(1)
    // a limit lowered below the holders admits nobody until enough have left
    expect(admissions({ held: 5, queued: 2, limit: 2 })).toBe(0)
  })

  it('estimate Retry-After from the average hold and the oldest holder, within 1 s and 1 h', () => {
    expect(slotRetryAfterMs(null, null, 0)).toBe(1_000)
    expect(slotRetryAfterMs(10_000, 1_000, 4_000)).toBe(7_000)
    expect(slotRetryAfterMs(10_000, 0, 60_000)).toBe(1_000)
    expect(slotRetryAfterMs(10 * 3_600_000, 0, 0)).toBe(3_600_000)
    expect(averageHold(null, 500)).toBe(500)
    expect(averageHold(1_000, 2_000)).toBe(1_200)
  })
})

describe('rate limits', () => {
  const minute = 60_000

  it('allow `limit` triggers in a period and refuse the next one, until the oldest leaves the window', () => {
    const times = [0, 10_000, 20_000]
    expect(decideRate(times.slice(0, 2), 30_000, 3, minute)).toEqual({ allowed: true })
    expect(decideRate(times, 30_000, 3, minute)).toEqual({ allowed: false, retryAfterMs: 30_000 })
    // at the boundary: the first trigger's time plus the period is the first instant it no longer counts
    expect(decideRate(times, minute - 1, 3, minute)).toEqual({ allowed: false, retryAfterMs: 1_000 })
    expect(decideRate(times, minute, 3, minute)).toEqual({ allowed: true })
  })

  it('write Retry-After in whole seconds, at least 1', () => {
    expect(retryAfterSeconds(1)).toBe('1')
    expect(retryAfterSeconds(1_001)).toBe('2')
    expect(retryAfterSeconds(30_000)).toBe('30')
  })
})
