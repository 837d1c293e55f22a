import { describe, expect, it } from 'vitest'
import { compileFlow, FlowInvalid, validateFlow } from '../../src/flow/compile'
import { DEFAULT_RETENTION_MS } from '../../src/flow/retention'

const flow = (retention?: unknown) => ({
  ...(retention === undefined ? {} : { retention }),
  tasks: [{ id: 'a', type: 'log', message: 'hi' }],
})

const issuesOf = (definition: unknown) => {
  try {
    validateFlow(definition)
    return []
  } catch (error) {
    return (error as FlowInvalid).issues
  }
}

describe('retention', () => {
  it('defaults to 30 days and reads any duration', () => {
    expect(compileFlow('f', 1, validateFlow(flow())).retentionMs).toBe(DEFAULT_RETENTION_MS)
    expect(compileFlow('f', 1, validateFlow(flow('90d'))).retentionMs).toBe(90 * 86_400_000)
    expect(compileFlow('f', 1, validateFlow(flow('PT1M'))).retentionMs).toBe(60_000)
  })

  it.each(['1m', 'P3650D', 3_600_000])('accepts %j', (retention) => {
    expect(issuesOf(flow(retention))).toEqual([])
  })

  it.each(['59s', '3651d', 0])('refuses %j: outside 1 minute to 3650 days', (retention) => {
    expect(issuesOf(flow(retention))).toEqual([
      { path: 'retention', message: 'retention must be between 1 minute ("1m") and 3650 days ("3650d")' },
    ])
  })

  it('refuses what is not a duration, once', () => {
    expect(issuesOf(flow('forever'))).toEqual([
      { path: 'retention', message: expect.stringContaining('invalid duration') },
    ])
  })
})
