import jsonataSource from 'jsonata/jsonata.js?raw'
import { describe, expect, it } from 'vitest'
import { NATIVE_COSTS } from '../../src/flow/native-costs'
import { jsonataNatives } from '../../src/flow/natives'

/** Every function JSONata registers: `staticFrame.bind('name', …)`, and `$now`/`$millis` bound per expression. */
const registered = [...jsonataSource.matchAll(/(?:staticFrame|environment)\.bind\('(\w+)', defineFunction/g)].map(
  (match) => match[1],
)

describe('the cost of every JSONata function', () => {
  it('finds the functions in the library', () => {
    expect(registered.length).toBeGreaterThan(60)
    expect(registered).toContain('pad')
    expect(registered).toContain('now')
  })

  it('has a rule for each function JSONata registers, and none for a function it does not', () => {
    expect(Object.keys(NATIVE_COSTS).sort()).toEqual([...new Set(registered)].sort())
  })

  it('reaches each of them in the library', () => {
    const natives = jsonataNatives()
    for (const name of Object.keys(NATIVE_COSTS)) expect(natives.get(name as keyof typeof NATIVE_COSTS)).toBeDefined()
  })
})
