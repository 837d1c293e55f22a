import { describe, expect, it } from 'vitest'
import { jsonTooDeep, valueTooDeep, yamlTooDeep } from '../../src/flow/nesting'

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

describe('jsonTooDeep', () => {
  it('counts nested arrays and objects up to the limit', () => {
    expect(jsonTooDeep(nested(256))).toBe(false)
    expect(jsonTooDeep(nested(257))).toBe(true)
    expect(jsonTooDeep('{"a":'.repeat(3) + '1' + '}'.repeat(3), 3)).toBe(false)
    expect(jsonTooDeep('{"a":'.repeat(4) + '1' + '}'.repeat(4), 3)).toBe(true)
  })

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify({ text: '[[[[{{{{', quoted: '"[[[["' }), 2)).toBe(false)
  })

  it('answers for 100,000 levels without recursing', () => {
    expect(jsonTooDeep(nested(100_000))).toBe(true)
  })
})

describe('yamlTooDeep', () => {
  it('counts flow collections, block indentation and compact indicators', () => {
    expect(yamlTooDeep(nested(100_000))).toBe(true)
    expect(yamlTooDeep('- '.repeat(300) + 'x')).toBe(true)
    expect(yamlTooDeep(Array.from({ length: 300 }, (_, level) => `${' '.repeat(level)}a:`).join('\n'))).toBe(true)
    const five = 'a:\n  b:\n    - c: 1\n      d: [x]\n  e: 2\n'
    expect(yamlTooDeep(five, 5)).toBe(false)
    expect(yamlTooDeep(five, 4)).toBe(true)
  })

  it('ignores brackets in quoted scalars and comments, and apostrophes in plain ones', () => {
    const text = `message: "[[[[" # [[[[\nother: '{{{{ it''s }}'\nplain: don't [x]\nlast: [1]\n`
    expect(yamlTooDeep(text, 2)).toBe(false)
  })
})

describe('valueTooDeep', () => {
  it('walks parsed values with an explicit stack', () => {
    let deep: unknown = 1
    for (let level = 0; level < 100_000; level++) deep = { a: [deep] }
    expect(valueTooDeep(deep)).toBe(true)
    expect(valueTooDeep(JSON.parse(nested(256)))).toBe(false)
    expect(valueTooDeep(JSON.parse(nested(257)))).toBe(true)
  })
})
