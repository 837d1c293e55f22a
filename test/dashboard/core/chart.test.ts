import { describe, expect, it } from 'vitest'
import { binCounts, layoutChart, metricsCounts } from '../../../src/dashboard/core/chart'
import { diffLines } from '../../../src/dashboard/core/diff'
import { operationsFor } from '../../../src/dashboard/core/actions'

const MINUTE = 60_000
/** The start of minute `n` as the API gives it. */
const bin = (n: number) => new Date(n * MINUTE).toISOString()

describe('the executions chart', () => {
  it('reads the metrics buckets as counts by series, the empty ones left out', () => {
    const zero = { completed: 0, warning: 0, failed: 0, killed: 0, running: 0 }
    const counts = metricsCounts([
      { start: bin(1), counts: { ...zero, completed: 2, running: 1 } },
      { start: bin(2), counts: zero },
    ])
    expect(counts).toEqual([
      { start: bin(1), status: 'completed', count: 2 },
      { start: bin(1), status: 'running', count: 1 },
    ])
    expect(binCounts(counts, 'hour', 2 * MINUTE).at(-2)).toMatchObject({
      total: 3,
      counts: { completed: 2, running: 1 },
    })
  })

  it('bins counts by minute over the last hour, non-final statuses together, older bins dropped', () => {
    const now = 1000 * MINUTE + 30_000
    const bins = binCounts(
      [
        { start: bin(1000), status: 'completed', count: 3 },
        { start: bin(1000), status: 'failed', count: 1 },
        { start: bin(999), status: 'running', count: 2 },
        { start: bin(999), status: 'waiting', count: 1 },
        { start: bin(900), status: 'completed', count: 50 },
      ],
      'hour',
      now,
    )
    expect(bins).toHaveLength(60)
    expect(bins.at(-1)).toMatchObject({ start: 1000 * MINUTE, total: 4 })
    expect(bins.at(-1)?.counts).toMatchObject({ completed: 3, failed: 1 })
    expect(bins.at(-2)?.counts.running).toBe(3)
    expect(bins.reduce((sum, bin) => sum + bin.total, 0)).toBe(7)
  })

  it('stacks each bar bottom up in proportion to the busiest bin', () => {
    const bins = binCounts(
      [
        { start: bin(10), status: 'completed', count: 2 },
        { start: bin(10), status: 'failed', count: 2 },
        { start: bin(9), status: 'completed', count: 1 },
      ],
      'hour',
      10 * MINUTE,
    )
    const layout = layoutChart(bins, 600, 120)
    const full = layout.plotBottom - layout.plotTop
    const last = layout.bars.at(-1)!
    expect(last.pieces.map((piece) => piece.series)).toEqual(['completed', 'failed'])
    expect(last.pieces.reduce((sum, piece) => sum + piece.height, 0)).toBeCloseTo(full)
    expect(last.pieces[1]!.y + last.pieces[1]!.height).toBeCloseTo(last.pieces[0]!.y)
    expect(layout.bars.at(-2)!.pieces[0]!.height).toBeCloseTo(full / 4)
    expect(layout.totals).toMatchObject({ completed: 3, failed: 2 })
    expect(layout.bars[1]!.x).toBeGreaterThan(layout.bars[0]!.x + layout.bars[0]!.width - 0.001)
  })
})

describe('the revision diff', () => {
  it('keeps common lines and marks the others', () => {
    expect(diffLines('a\nb\nc', 'a\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ])
  })
})

describe('the operations offered', () => {
  it('are those the API accepts in each status', () => {
    expect(operationsFor('running')).toEqual(['kill', 'pause', 'event'])
    expect(operationsFor('paused')).toEqual(['kill', 'resume', 'event'])
    expect(operationsFor('failed')).toEqual(['replay'])
    expect(operationsFor('killing')).toEqual([])
    // queued waits for a concurrency slot: it can be killed and told events, not paused
    expect(operationsFor('queued')).toEqual(['kill', 'event'])
  })
})
