import { describe, expect, it } from 'vitest'
import { relativeTime } from '../../../src/dashboard/core/relative'

describe('relativeTime', () => {
  const now = Date.parse('2026-12-07T12:00:00Z')
  it('says how long ago in the largest whole unit, and ahead as "in"', () => {
    expect(relativeTime(now - 400, now)).toBe('just now')
    expect(relativeTime(now - 42_500, now)).toBe('42 s ago')
    expect(relativeTime(now - 3 * 60_000 - 59_000, now)).toBe('3 min ago')
    expect(relativeTime(now - 5 * 3_600_000, now)).toBe('5 h ago')
    expect(relativeTime(now - 12 * 86_400_000, now)).toBe('12 d ago')
    expect(relativeTime(now + 120_000, now)).toBe('in 2 min')
    expect(relativeTime(Date.parse('2026-10-01T08:00:00Z'), now)).toBe('2026-10-01')
  })
})
