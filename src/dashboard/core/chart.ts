/** @module The executions chart's bins and geometry (pure): counts per time bin, stacked by final status. */
import { FINAL_EXECUTION } from '../../core/transitions'

export type ChartRange = 'hour' | 'day'

/** The last hour by the minute, the last day by the quarter hour. */
export const RANGES: Record<ChartRange, { binMs: number; bins: number }> = {
  hour: { binMs: 60_000, bins: 60 },
  day: { binMs: 900_000, bins: 96 },
}

/** Stacked bottom to top; `running` is every status that is not final yet. */
export const SERIES = ['completed', 'warning', 'failed', 'killed', 'running'] as const
export type Series = (typeof SERIES)[number]

/** A count of the API (`GET /api/executions/counts`): executions created in the bin that starts at `start` (ISO 8601) in `status`. */
export interface BinCount {
  start: string
  status: string
  count: number
}

/** A bucket of the API's metrics (`GET /api/metrics`, `GET /api/flows/{id}/metrics`): its counts by series. */
export interface MetricsBucket {
  start: string
  counts: Record<Series, number>
}

/** The metrics' buckets as counts (a bucket's `running` is every status not final, as the chart's series). */
export const metricsCounts = (buckets: readonly MetricsBucket[]): BinCount[] =>
  buckets.flatMap((bucket) =>
    SERIES.filter((series) => bucket.counts[series] > 0).map((series) => ({
      start: bucket.start,
      status: series,
      count: bucket.counts[series],
    })),
  )

export interface Bin {
  start: number
  counts: Record<Series, number>
  total: number
}

/** A final status is its own series (core/transitions.ts); every other one is `running`. */
const seriesOf = (status: string): Series =>
  (FINAL_EXECUTION as ReadonlySet<string>).has(status) ? (status as Series) : 'running'

const empty = (): Record<Series, number> => ({ completed: 0, warning: 0, failed: 0, killed: 0, running: 0 })

/** The bins of `range` ending with the one that holds `now`, filled from `counts`. */
export function binCounts(counts: readonly BinCount[], range: ChartRange, now: number): Bin[] {
  const { binMs, bins } = RANGES[range]
  const last = Math.floor(now / binMs)
  const first = last - bins + 1
  const result: Bin[] = Array.from({ length: bins }, (_, index) => ({
    start: (first + index) * binMs,
    counts: empty(),
    total: 0,
  }))
  for (const count of counts) {
    const bin = result[Math.floor(Date.parse(count.start) / binMs) - first]
    if (!bin) continue
    bin.counts[seriesOf(count.status)] += count.count
    bin.total += count.count
  }
  return result
}

export interface Bar {
  start: number
  x: number
  width: number
  total: number
  counts: Record<Series, number>
  /** Stacked pieces, bottom up. */
  pieces: { series: Series; y: number; height: number }[]
}

export interface ChartLayout {
  bars: Bar[]
  width: number
  height: number
  plotTop: number
  plotBottom: number
  max: number
  totals: Record<Series, number>
}

/** Bars scaled to the busiest bin (heights are whole counts' share of `height`). */
export function layoutChart(bins: readonly Bin[], width = 1200, height = 100): ChartLayout {
  const plotTop = 4
  const plotBottom = height - 1
  const max = Math.max(1, ...bins.map((bin) => bin.total))
  const slot = width / Math.max(1, bins.length)
  const totals = empty()
  const bars = bins.map((bin, index) => {
    let top = plotBottom
    const pieces = SERIES.filter((series) => bin.counts[series] > 0).map((series) => {
      totals[series] += bin.counts[series]
      const pieceHeight = (bin.counts[series] / max) * (plotBottom - plotTop)
      top -= pieceHeight
      return { series, y: top, height: pieceHeight }
    })
    return {
      start: bin.start,
      x: index * slot + 0.5,
      width: Math.max(1, slot - 1),
      total: bin.total,
      counts: bin.counts,
      pieces,
    }
  })
  return { bars, width, height, plotTop, plotBottom, max, totals }
}
