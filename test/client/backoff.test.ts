import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKOFF, pollDelay, retryAfterMs } from '../../src/client/backoff'

const NOW = Date.parse('2026-12-02T03:00:00Z')

describe('retryAfterMs', () => {
  it('reads delay-seconds, fractions included', () => {
    expect(retryAfterMs('3', NOW)).toBe(3000)
    expect(retryAfterMs(' 0 ', NOW)).toBe(0)
    expect(retryAfterMs('1.5', NOW)).toBe(1500)
  })

  it('reads an HTTP date against now, a past one as no wait', () => {
    expect(retryAfterMs('Wed, 02 Dec 2026 03:00:05 GMT', NOW)).toBe(5000)
    expect(retryAfterMs('Wed, 02 Dec 2026 02:59:00 GMT', NOW)).toBe(0)
  })

  it('is null when absent or unreadable, so that the back-off decides', () => {
    expect(retryAfterMs(null, NOW)).toBeNull()
    expect(retryAfterMs(undefined, NOW)).toBeNull()
    expect(retryAfterMs('', NOW)).toBeNull()
    expect(retryAfterMs('soon', NOW)).toBeNull()
    expect(retryAfterMs('-1', NOW)).toBeNull()
  })
})

describe('pollDelay', () => {
  it('doubles from 250 ms and stops at 2 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 10].map((polls) => pollDelay(polls, null, Infinity))
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000])
  })

  it('takes what the server asked, shorter or longer than the back-off', () => {
    expect(pollDelay(5, 100, Infinity)).toBe(100)
    expect(pollDelay(1, 5000, Infinity)).toBe(5000)
    expect(pollDelay(1, 0, Infinity)).toBe(0)
  })

  it('never sleeps past the deadline', () => {
    expect(pollDelay(4, null, 300)).toBe(300)
    expect(pollDelay(1, 5000, 1200)).toBe(1200)
    expect(pollDelay(1, null, -50)).toBe(0)
  })

  it('follows another policy', () => {
    const policy = { ...DEFAULT_BACKOFF, initialMs: 100, factor: 3, maxMs: 1000 }
    expect([1, 2, 3, 4].map((polls) => pollDelay(polls, null, Infinity, policy))).toEqual([100, 300, 900, 1000])
  })
})
