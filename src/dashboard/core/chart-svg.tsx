/**
 * @module The executions chart (pure): bars in an SVG that stretches to the page's width, its
 * axis and its legend (the totals in words) in HTML, so text keeps its size at any width.
 */
import { type ChartLayout, type ChartRange, SERIES } from './chart'
import { countsText, glyphOf, statusClass } from './status'
import { clockOf } from './time'

const barTip = (start: number, counts: Record<string, number>, range: ChartRange) =>
  `${clockOf(start, false)} UTC${range === 'day' ? ' (15 min)' : ''}: ${countsText(counts) || 'no executions'}`

export function ChartSvg({ layout, range }: { layout: ChartLayout; range: ChartRange }) {
  const first = layout.bars[0]
  const last = layout.bars.at(-1)
  return (
    <figure class="chart">
      <svg
        width="100%"
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Executions per ${range === 'hour' ? 'minute over the last hour' : 'quarter hour over the last day'}: ${countsText(layout.totals) || 'none'}`}
      >
        <line class="baseline" x1="0" x2={layout.width} y1={layout.plotBottom} y2={layout.plotBottom} />
        {layout.bars.map((bar) => (
          <g class="bar">
            <title>{barTip(bar.start, bar.counts, range)}</title>
            <rect
              class="hit"
              x={bar.x}
              y={layout.plotTop}
              width={bar.width}
              height={layout.plotBottom - layout.plotTop}
            />
            {bar.pieces.map((piece) => (
              <rect class={statusClass(piece.series)} x={bar.x} y={piece.y} width={bar.width} height={piece.height} />
            ))}
          </g>
        ))}
      </svg>
      <div class="chart-axis" aria-hidden="true">
        <span>{first ? `${clockOf(first.start, false)} UTC` : ''}</span>
        <span>highest bar: {layout.max}</span>
        <span>{last ? `${clockOf(last.start, false)} UTC` : ''}</span>
      </div>
      <figcaption>
        <ul class="legend">
          {SERIES.map((series) => (
            <li class={statusClass(series)}>
              <span class="swatch" aria-hidden="true"></span>
              {glyphOf(series)} {series === 'running' ? 'not final' : series}: {layout.totals[series]}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  )
}
