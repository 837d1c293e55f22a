/** @module The Gantt chart as SVG (pure: a layout in, markup out). */
import type { GanttLayout, GanttRow, GanttSegment } from './gantt'
import { attemptAnchor } from './anchors'
import { SvgFrame } from './svg-frame'
import { countsText, glyphOf, statusClass, statusText } from './status'
import { formatDuration } from './time'

const KIND_WORDS: Record<GanttSegment['kind'], string> = {
  attempt: 'attempt',
  backoff: 'back-off before a retry',
  delay: 'delay',
  event: 'waiting for an event',
  child: 'waiting for the child execution',
  span: 'container',
}

/** What a segment says on hover and focus. */
export function segmentTip(row: GanttRow, segment: GanttSegment): string {
  const what = segment.attempt === null ? KIND_WORDS[segment.kind] : `${KIND_WORDS[segment.kind]} ${segment.attempt}`
  const duration = `${formatDuration(segment.end - segment.start)}${segment.open ? ' so far' : ''}`
  const error = segment.error ? ` — ${segment.error.type}: ${segment.error.message}` : ''
  return `${row.label}: ${what} ${segment.kind === 'backoff' ? '' : `${segment.status} `}(${duration})${error}`
}

/** Cuts a label to what fits in `width` px (about 7 px a character). */
const fit = (text: string, width: number) => {
  const max = Math.max(4, Math.floor(width / 7))
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function Segment({ row, segment }: { row: GanttRow; segment: GanttSegment }) {
  const thin = segment.kind === 'span'
  const height = thin ? 6 : row.run.status === 'skipped' ? 4 : 14
  const tip = segmentTip(row, segment)
  const rect = (
    <rect
      x={segment.x.toFixed(1)}
      y={(row.y + (22 - height) / 2).toFixed(1)}
      width={segment.width.toFixed(1)}
      height={height}
      rx="2"
    />
  )
  const className = `seg seg-${segment.kind} ${statusClass(segment.status)}${segment.open ? ' open' : ''}`
  // every segment is a tab stop; its <title> names it and is what the script shows on focus and
  // hover. An attempt's segment is a link to that attempt (a summary row of iterations has no run).
  if (segment.attempt !== null && !row.run.folded)
    return (
      <a class={className} href={`#${attemptAnchor(row.run.id, segment.attempt)}`} tabindex={0}>
        <title>{tip}</title>
        {rect}
      </a>
    )
  return (
    <g class={className} tabindex={0} role="img">
      <title>{tip}</title>
      {rect}
    </g>
  )
}

function Row({ row, layout, index }: { row: GanttRow; layout: GanttLayout; index: number }) {
  const indent = 6 + row.depth * 12
  const label = `${glyphOf(row.run.status)} ${fit(row.label, layout.labelWidth - indent - 14)}`
  const text = (
    <text x={indent} y={row.y + 15} class="gantt-label">
      {label}
    </text>
  )
  const attempts = row.run.attempts.length > 1 ? ` ×${row.run.attempts.length}` : ''
  const reused = row.run.reused ? ' · reused' : ''
  return (
    <g
      class={`gantt-row ${statusClass(row.run.status)}${row.handler ? ` handler handler-${row.handler}` : ''}${row.run.reused ? ' reused' : ''}`}
      data-run={row.run.id}
    >
      {index % 2 === 0 ? <rect class="stripe" x="0" y={row.y} width={layout.width} height={layout.rowHeight} /> : null}
      {row.opensHandler ? <line class="handler-rule" x1="0" x2={layout.width} y1={row.y} y2={row.y} /> : null}
      {row.run.folded ? (
        <a
          href={`?expand=${row.run.folded.foreachRunId}#gantt`}
          aria-label={`${row.label}: show every iteration`}
          class="expand"
        >
          {text}
        </a>
      ) : row.run.childExecutionId ? (
        <a href={`/executions/${row.run.childExecutionId}`} aria-label={`${row.label}: child execution`}>
          {text}
        </a>
      ) : (
        <a href={`#run-${row.run.id}`} aria-label={`${row.label}: attempts, input and output`}>
          {text}
        </a>
      )}
      {row.segments.map((segment) => (
        <Segment row={row} segment={segment} />
      ))}
      <text x={layout.labelWidth + 4} y={row.y + 15} class="gantt-status">
        {row.run.folded ? countsText(row.run.folded.byStatus) : statusText(row.run.status)}
        {attempts}
        {reused}
      </text>
    </g>
  )
}

/** The chart: an axis of offsets from the start, then one row per task run. */
export function GanttSvg({ layout }: { layout: GanttLayout }) {
  const bottom = layout.height - 4
  return (
    <SvgFrame
      class="gantt"
      width={layout.width}
      height={layout.height}
      label={`Gantt chart of ${layout.rows.length} task runs over ${formatDuration(layout.end - layout.start)}`}
    >
      <g class="axis" aria-hidden="true">
        {layout.ticks.map((tick) => (
          <g>
            <line x1={tick.x.toFixed(1)} x2={tick.x.toFixed(1)} y1="16" y2={bottom} />
            <text x={(tick.x + 2).toFixed(1)} y="12">
              {tick.label}
            </text>
          </g>
        ))}
      </g>
      {layout.rows.map((row, index) => (
        <Row row={row} layout={layout} index={index} />
      ))}
    </SvgFrame>
  )
}
