import { describe, expect, it } from 'vitest'
import { compileFlow, DEFAULT_SYNC_TIMEOUT_MS } from '../../src/flow/compile'
import { FlowDefinition } from '../../src/flow/schema'

const tasks = [{ id: 'a', type: 'log', message: '.' }]

describe('compiled syncTimeout', () => {
  it('defaults to 25 s and holds a revision stored before the bound to 100 s', () => {
    expect(compileFlow('f', 1, FlowDefinition.parse({ mode: 'sync', tasks })).syncTimeoutMs).toBe(
      DEFAULT_SYNC_TIMEOUT_MS,
    )
    // as D1 may still hold it: never validated against the bound
    const old = { ...FlowDefinition.parse({ mode: 'sync', tasks }), syncTimeout: '2h' }
    expect(compileFlow('f', 1, old).syncTimeoutMs).toBe(100_000)
  })
})
