import { describe, expect, it } from 'vitest'
import { Duration, parseDuration } from '../../src/domain/duration'

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
    ['0s', 0],
    [' 5s ', 5_000],
  ])('reads the short form %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    ['PT5M', 300_000],
    ['PT1H30M', 5_400_000],
    ['PT0.5S', 500],
    ['P1D', 86_400_000],
    ['P1DT2H', 93_600_000],
  ])('reads the ISO 8601 duration %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it('reads a number as milliseconds, rounded', () => {
    expect(parseDuration(1500)).toBe(1500)
    expect(parseDuration(0)).toBe(0)
    expect(parseDuration(12.6)).toBe(13)
  })

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the number %s', (value) => {
    expect(parseDuration(value)).toBeNull()
  })

  it.each(['', '5', 'five seconds', '5 weeks', '-5s', '5sec', 'P', 'PXYZ', 's5'])('refuses the text %j', (text) => {
    expect(parseDuration(text)).toBeNull()
  })
})

describe('Duration schema', () => {
  it('accepts every form parseDuration reads and keeps it as written', () => {
    for (const value of ['250ms', 'PT5M', 1000]) expect(Duration.parse(value)).toBe(value)
  })

  it('refuses anything else with a message that shows the value and the accepted forms', () => {
    const result = Duration.safeParse('soon')
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toContain('invalid duration "soon"')
    expect(result.error?.issues[0]?.message).toContain('"5s"')
    expect(Duration.safeParse(true).success).toBe(false)
    expect(Duration.safeParse(-5).success).toBe(false)
  })
})
