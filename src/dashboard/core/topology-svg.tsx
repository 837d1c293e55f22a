/** @module The topology as SVG (pure: a layout in, markup out); every node says its status in words. */
import { SvgFrame } from './svg-frame'
import { countsText, glyphOf, statusClass } from './status'
import type { TopoBox, TopologyLayout } from './topology'

/** "not run" for a task without runs, the status for one run, counts for many; nothing for a bare definition. */
export function boxStatusText(box: TopoBox): string {
  if (box.status === 'none') return ''
  const total = [...box.counts.values()].reduce((sum, count) => sum + count, 0)
  if (total === 0) return 'not run'
  if (total === 1) return box.status
  return countsText(box.counts)
}

const fit = (text: string, width: number) => {
  const max = Math.max(4, Math.floor(width / 6.6))
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function Box({ box, runId }: { box: TopoBox; runId: number | undefined }) {
  const status = boxStatusText(box)
  const notRun = status === 'not run'
  const title = `${box.taskId} (${box.type})${status ? `: ${status}` : ''}${box.flowId ? ` — starts flow ${box.flowId}` : ''}`
  const glyph = box.status === 'none' ? '' : notRun ? '○ ' : `${glyphOf(box.status)} `
  const kind = box.status === 'none' ? 'st-plain' : notRun ? 'st-notrun' : statusClass(box.status)
  const name = (
    <text x={box.x + 8} y={box.y + 17} class="node-name">
      {fit(`${glyph}${box.taskId}`, box.width - 12)}
    </text>
  )
  return (
    <g class={`node ${kind}${box.container ? ' container' : ''}`} data-task={box.taskId}>
      <title>{title}</title>
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx="6" />
      {box.flowId ? (
        <a href={`/flows/${box.flowId}`} aria-label={title}>
          {name}
        </a>
      ) : runId !== undefined ? (
        <a href={`#run-${runId}`} aria-label={`${title}: its run's attempts, input and output`}>
          {name}
        </a>
      ) : (
        name
      )}
      <text x={box.x + 8} y={box.y + 34} class="node-detail">
        {fit(`${box.type}${box.flowId ? ` → ${box.flowId}` : ''}${status ? ` · ${status}` : ''}`, box.width - 12)}
      </text>
    </g>
  )
}

/** `runOf`: the run a node links to, by task id (an execution's page; none on a flow's). */
export function TopologySvg({
  layout,
  label,
  runOf,
}: {
  layout: TopologyLayout
  label: string
  runOf?: ReadonlyMap<string, number> | undefined
}) {
  return (
    <SvgFrame class="topology" width={layout.width} height={layout.height} label={label}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
        </marker>
      </defs>
      {layout.boxes
        .filter((box) => box.container)
        .map((box) => (
          <Box box={box} runId={runOf?.get(box.taskId)} />
        ))}
      {layout.lanes.map((lane) => (
        <g
          class={`lane${lane.skipped ? ' lane-skipped' : ''}${lane.handler ? ` lane-handler lane-${lane.handler}` : ''}`}
        >
          <rect x={lane.x - 4} y={lane.y} width={lane.width + 8} height={lane.height + 4} rx="4" />
          <text x={lane.x} y={lane.y + 13} class="lane-label">
            {lane.skipped ? `${lane.label} — skipped` : lane.label}
          </text>
        </g>
      ))}
      {layout.edges.map((edge) => (
        <line class="edge" x1={edge.x1} y1={edge.y1} x2={edge.x2} y2={edge.y2 - 1} marker-end="url(#arrow)" />
      ))}
      {layout.boxes
        .filter((box) => !box.container)
        .map((box) => (
          <Box box={box} runId={runOf?.get(box.taskId)} />
        ))}
    </SvgFrame>
  )
}
