import { describe, expect, it } from 'vitest'
import { executionMetrics } from '../../src/shapes/views'

describe('executionMetrics', () => {
  it('keeps the name of a sum of counters and names a sum of durations for what it is, sorted by name', () => {
    expect(
      executionMetrics([
        { name: 'duration', type: 'duration', value: 122 },
        { name: 'http.response.bytes', type: 'counter', value: 10 },
        { name: 'foreach.items', type: 'counter', value: 2 },
      ]),
    ).toEqual([
      { name: 'foreach.items', type: 'counter', value: 2 },
      { name: 'http.response.bytes', type: 'counter', value: 10 },
      { name: 'taskRuns.duration', type: 'duration', value: 122 },
    ])
  })
})
