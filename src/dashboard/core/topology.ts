/**
 * @module The topology's geometry (pure): a flow's task tree as nested boxes — sequences top to
 * bottom, a container's lanes (branches, cases, foreach body) side by side inside it — with arrows
 * between consecutive tasks and every node's status from its task runs. Handlers are lanes too: a
 * container's `errors` and `finally` beside its branches, a task's `compensate` inside it as its
 * undo, and the flow's own `errors` and `finally` below its tasks, unconnected.
 */
import { dominantStatus } from './totals'

export interface TopoTask {
  id: string
  type: string
  [field: string]: unknown
}

/** A container's lanes by key (`then`, `case:a`, `0`, `*`); empty for a plain task. */
export type LanesOf = (task: TopoTask) => Record<string, TopoTask[]>

export interface TopoBox {
  taskId: string
  type: string
  x: number
  y: number
  width: number
  height: number
  container: boolean
  status: string
  /** Runs of this task by status. */
  counts: ReadonlyMap<string, number>
  /** For a subflow: the flow it starts. */
  flowId: string | null
}

export interface TopoLane {
  label: string
  x: number
  y: number
  width: number
  height: number
  skipped: boolean
  /** A handler lane: `errors`, `finally` or `compensate`; null for a branch. */
  handler: string | null
}

export interface TopoEdge {
  x1: number
  y1: number
  x2: number
  y2: number
}

export interface TopologyLayout {
  boxes: TopoBox[]
  lanes: TopoLane[]
  edges: TopoEdge[]
  width: number
  height: number
}

export const NODE_WIDTH = 190
export const NODE_HEIGHT = 50
const GAP = 24
const PAD = 10
const HEADER = 40
const LANE_LABEL = 18
const LANE_GAP = 14

/** The lanes that hold handlers, with what they are called. */
const HANDLER_LABELS: Record<string, string> = {
  errors: 'on errors',
  finally: 'finally',
  compensate: '↶ undo (compensate)',
}

/** The handler lists of a task (or of a flow), by key, as drawn beside its branches. */
export function handlerLanes(task: Record<string, unknown>): Record<string, TopoTask[]> {
  return Object.fromEntries(
    Object.keys(HANDLER_LABELS).flatMap((key) => (Array.isArray(task[key]) ? [[key, task[key] as TopoTask[]]] : [])),
  )
}

/** What a lane key means to a person. */
export function laneLabel(type: string, key: string): string {
  const handler = HANDLER_LABELS[key]
  if (handler) return handler
  if (key === '*') return 'each item'
  if (type === 'parallel') return `branch ${Number(key) + 1}`
  if (key.startsWith('case:')) return `case ${key.slice(5)}`
  return key
}

interface Sized {
  task: TopoTask
  width: number
  height: number
  lanes: { key: string; items: Sized[]; width: number; height: number }[]
}

function measureList(tasks: readonly TopoTask[], lanesOf: LanesOf): { items: Sized[]; width: number; height: number } {
  const items = tasks.map((task) => measure(task, lanesOf))
  return {
    items,
    width: Math.max(0, ...items.map((item) => item.width)),
    height: items.reduce((sum, item) => sum + item.height, 0) + GAP * Math.max(0, items.length - 1),
  }
}

function measure(task: TopoTask, lanesOf: LanesOf): Sized {
  const lanes = Object.entries(lanesOf(task)).map(([key, tasks]) => ({ key, ...measureList(tasks, lanesOf) }))
  if (lanes.length === 0) return { task, width: NODE_WIDTH, height: NODE_HEIGHT, lanes }
  const inner = lanes.reduce((sum, lane) => sum + lane.width, 0) + LANE_GAP * (lanes.length - 1)
  return {
    task,
    width: Math.max(NODE_WIDTH, inner + 2 * PAD),
    height: HEADER + LANE_LABEL + Math.max(...lanes.map((lane) => lane.height)) + 2 * PAD,
    lanes,
  }
}

/**
 * Lays out a flow's tasks; `counts` gives each task's runs by status (a task without any: not run),
 * or is null for a definition on its own (no statuses at all).
 */
export function layoutTopology(
  tasks: readonly TopoTask[],
  lanesOf: LanesOf,
  counts: ReadonlyMap<string, ReadonlyMap<string, number>> | null,
  /** The flow's own `errors` and `finally`. */
  flowHandlers: Record<string, TopoTask[]> = {},
): TopologyLayout {
  const layout: TopologyLayout = { boxes: [], lanes: [], edges: [], width: 0, height: 0 }
  const root = measureList(tasks, lanesOf)
  const placeList = (items: Sized[], x: number, y: number, width: number) => {
    let top = y
    items.forEach((item, index) => {
      const left = x + (width - item.width) / 2
      if (index > 0) layout.edges.push({ x1: x + width / 2, y1: top - GAP, x2: x + width / 2, y2: top })
      place(item, left, top)
      top += item.height + GAP
    })
  }
  const place = (item: Sized, x: number, y: number) => {
    const taskCounts = counts?.get(item.task.id) ?? new Map<string, number>()
    layout.boxes.push({
      taskId: item.task.id,
      type: item.task.type,
      x,
      y,
      width: item.width,
      height: item.height,
      container: item.lanes.length > 0,
      status: counts ? dominantStatus(taskCounts) : 'none',
      counts: taskCounts,
      flowId: typeof item.task['flowId'] === 'string' ? item.task['flowId'] : null,
    })
    const inner = item.lanes.reduce((sum, lane) => sum + lane.width, 0) + LANE_GAP * (item.lanes.length - 1)
    let left = x + (item.width - inner) / 2
    const laneTop = y + HEADER
    for (const lane of item.lanes) {
      const laneCounts = lane.items.map((child) => counts?.get(child.task.id))
      layout.lanes.push({
        label: laneLabel(item.task.type, lane.key),
        x: left,
        y: laneTop,
        width: lane.width,
        height: LANE_LABEL + lane.height,
        skipped: laneCounts.length > 0 && laneCounts.every((c) => c !== undefined && dominantStatus(c) === 'skipped'),
        handler: HANDLER_LABELS[lane.key] ? lane.key : null,
      })
      placeList(lane.items, left, laneTop + LANE_LABEL, lane.width)
      left += lane.width + LANE_GAP
    }
  }
  placeList(root.items, PAD, PAD, root.width)
  let bottom = PAD + root.height
  let width = root.width
  for (const [key, list] of Object.entries(flowHandlers)) {
    const measured = measureList(list, lanesOf)
    bottom += GAP
    layout.lanes.push({
      label: `${laneLabel('flow', key)} (the flow's)`,
      x: PAD,
      y: bottom,
      width: measured.width,
      height: LANE_LABEL + measured.height,
      skipped: false,
      handler: key,
    })
    placeList(measured.items, PAD, bottom + LANE_LABEL, measured.width)
    bottom += LANE_LABEL + measured.height
    width = Math.max(width, measured.width)
  }
  layout.width = width + 2 * PAD
  layout.height = bottom + PAD
  return layout
}
