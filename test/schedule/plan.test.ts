import { describe, expect, it } from 'vitest'
import { due, nextFire, nextSlot, schedulesOf } from '../../src/schedule/plan'

const at = (iso: string) => Date.parse(iso)

describe('schedule plan', () => {
  it('finds the next slot of a cron pattern, to the second, in a timezone', () => {
    expect(nextSlot('*/5 * * * * *', 'UTC', at('2026-01-01T00:00:03Z'))).toBe(at('2026-01-01T00:00:05Z'))
    expect(nextSlot('0 9 * * *', 'Europe/Paris', at('2026-01-01T00:00:00Z'))).toBe(at('2026-01-01T08:00:00Z'))
  })

  it('reads schedule triggers with their input and ignores webhooks', () => {
    const schedules = schedulesOf(
      [
        { type: 'webhook', methods: ['POST'] },
        { type: 'schedule', cron: '0 * * * *', timezone: 'UTC', input: { report: 'hourly' } },
      ],
      at('2026-01-01T00:30:00Z'),
    )
    expect(schedules).toEqual([
      { cron: '0 * * * *', timezone: 'UTC', input: { report: 'hourly' }, nextAt: at('2026-01-01T01:00:00Z') },
    ])
    expect(nextFire(schedules)).toBe(at('2026-01-01T01:00:00Z'))
  })

  it('fires a schedule that missed many slots once, then moves it past now', () => {
    const schedules = [{ cron: '* * * * *', timezone: 'UTC', input: {}, nextAt: at('2026-01-01T00:01:00Z') }]
    const { fire, after } = due(schedules, at('2026-01-01T00:10:30Z'))
    expect(fire).toEqual([{ index: 0, slot: at('2026-01-01T00:01:00Z') }])
    expect(after[0]?.nextAt).toBe(at('2026-01-01T00:11:00Z'))
  })

  it('fires nothing before the slot', () => {
    const schedules = [{ cron: '* * * * *', timezone: 'UTC', input: {}, nextAt: at('2026-01-01T00:01:00Z') }]
    expect(due(schedules, at('2026-01-01T00:00:59Z')).fire).toEqual([])
  })
})
