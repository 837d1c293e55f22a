/**
 * @module The Gantt chart's geometry (pure): task runs in tree order, each on its row (label,
 * status, then its segments on the time axis), indented
 * under its parent, with one segment per attempt and distinct segments for back-off waits,
 * delays, event waits and child executions, on one time axis. Runs of handlers (`errors`, `finally`,
 * compensations) are marked with their handler, and a compensation is labelled as the undo of its run.
 * Runs a replay reused from its original are listed but not timed: the axis is the replay's own.
 */
import { msOf, offsetLabel, tickStep } from './time'

export interface GanttAttempt {
  number: number
  status: string
  startedAt: string | null
  endedAt: string | null
  error: { type: string; message: string } | null
}

/** A task run as the API shows it (the fields the chart reads). */
export interface GanttRun {
  id: number
  taskId: string
  type: string
  status: string
  parentTaskRunId: number | null
  branch: string | null
  iteration: number | null
  attempts: GanttAttempt[]
  startedAt: string | null
  endedAt: string | null
  wakeAt: string | null
  childExecutionId: string | null
  error?: { type: string; message: string } | null
  /** The handler lane the run starts (`errors`, `finally`, `compensate`), if it starts one. */
  handler?: string | null
  /** For a compensation: the run it undoes. */
  compensates?: number | null
  /** A summary row that stands for iterations folded away (collapse.ts). */
  folded?: Folded
  /** Copied from the replayed execution: it ran before this execution's time, so it is not drawn on its axis. */
  reused?: boolean
}

/** Iterations of a foreach folded into one row: how many, by status, under which foreach run. */
export interface Folded {
  foreachRunId: number
  count: number
  byStatus: Map<string, number>
}

/** attempt: work; backoff: the wait before a retry; delay/event/child: the waits of those tasks; span: a container's time. */
export type SegmentKind = 'attempt' | 'backoff' | 'delay' | 'event' | 'child' | 'span'

export interface GanttSegment {
  kind: SegmentKind
  status: string
  start: number
  end: number
  /** Still going: drawn up to now. */
  open: boolean
  attempt: number | null
  error: { type: string; message: string } | null
  x: number
  width: number
}

export interface GanttRow {
  run: GanttRun
  depth: number
  /** The handler the run is part of (its own, or its container's); null for the flow's tasks. */
  handler: string | null
  /** The first run of a handler at the top of the flow: the chart draws a rule above it. */
  opensHandler: boolean
  y: number
  label: string
  segments: GanttSegment[]
}

export interface GanttOptions {
  /** The execution's time frame; runs outside it widen it. */
  start: number
  end: number
  now: number
  width?: number
  labelWidth?: number
  statusWidth?: number
  rowHeight?: number
}

export interface GanttLayout {
  rows: GanttRow[]
  start: number
  end: number
  width: number
  height: number
  labelWidth: number
  statusWidth: number
  rowHeight: number
  axisHeight: number
  ticks: { x: number; label: string }[]
}

/** The narrowest a segment is drawn, so a 0 ms attempt is still visible. */
export const MIN_SEGMENT = 2

/** The lane order of a parent's children: lanes in the order they started, runs by id within. */
function orderChildren(children: GanttRun[]): GanttRun[] {
  const laneOf = (run: GanttRun) => run.branch ?? ''
  const firstId = new Map<string, number>()
  for (const run of children) {
    const lane = laneOf(run)
    firstId.set(lane, Math.min(firstId.get(lane) ?? Infinity, run.id))
  }
  return [...children].sort((a, b) => (firstId.get(laneOf(a)) ?? 0) - (firstId.get(laneOf(b)) ?? 0) || a.id - b.id)
}

/** Runs depth first (parents before their children), each with its depth; a run whose parent is not given starts a tree at depth 0. */
export function treeOrder(runs: readonly GanttRun[]): { run: GanttRun; depth: number }[] {
  const ids = new Set(runs.map((run) => run.id))
  const children = new Map<number | null, GanttRun[]>()
  for (const run of runs) {
    const parent = run.parentTaskRunId !== null && ids.has(run.parentTaskRunId) ? run.parentTaskRunId : null
    children.set(parent, [...(children.get(parent) ?? []), run])
  }
  const ordered: { run: GanttRun; depth: number }[] = []
  const visit = (parent: number | null, depth: number) => {
    for (const run of orderChildren(children.get(parent) ?? [])) {
      ordered.push({ run, depth })
      visit(run.id, depth + 1)
    }
  }
  visit(null, 0)
  return ordered
}

const WAIT_KIND: Record<string, SegmentKind> = { delay: 'delay', wait: 'event', subflow: 'child' }
// a row of folded iterations is drawn as a container: one span over their time
const CONTAINERS = new Set(['if', 'switch', 'parallel', 'foreach', 'iterations'])

/** The time segments of one run (in ms, not yet placed). */
export function segmentsOf(run: GanttRun, now: number): Omit<GanttSegment, 'x' | 'width'>[] {
  const segments: Omit<GanttSegment, 'x' | 'width'>[] = []
  const started = msOf(run.startedAt)
  if (CONTAINERS.has(run.type) && started !== null) {
    const ended = msOf(run.endedAt)
    segments.push({
      kind: 'span',
      status: run.status,
      start: started,
      end: ended ?? now,
      open: ended === null,
      attempt: null,
      error: run.error ?? null,
    })
  }
  run.attempts.forEach((attempt, index) => {
    const start = msOf(attempt.startedAt)
    if (start === null) return
    const end = msOf(attempt.endedAt)
    const previous = run.attempts[index - 1]
    const previousEnd = msOf(previous?.endedAt)
    if (previousEnd !== null && previousEnd < start) {
      segments.push({
        kind: 'backoff',
        status: 'delayed',
        start: previousEnd,
        end: start,
        open: false,
        attempt: null,
        error: null,
      })
    }
    segments.push({
      kind: WAIT_KIND[run.type] ?? 'attempt',
      status: attempt.status,
      start,
      end: end ?? now,
      open: end === null,
      attempt: attempt.number,
      error: attempt.error ?? null,
    })
  })
  // waiting for a retry right now: the back-off runs until wakeAt
  const last = run.attempts.at(-1)
  const lastEnd = msOf(last?.endedAt)
  const wake = msOf(run.wakeAt)
  if (run.status === 'delayed' && lastEnd !== null && last?.status === 'failed') {
    segments.push({
      kind: 'backoff',
      status: 'delayed',
      start: lastEnd,
      end: Math.max(wake ?? now, lastEnd),
      open: true,
      attempt: null,
      error: null,
    })
  }
  return segments
}

const HANDLER_WORDS: Record<string, string> = { errors: 'on errors', finally: 'finally' }

/** "taskId", with the foreach iteration or the branch it runs in, the handler it starts, or the run it undoes. */
export function rowLabel(run: GanttRun, taskIdOf: (runId: number) => string | undefined = () => undefined): string {
  if (run.folded) return `${run.taskId} ×${run.folded.count} more`
  if (run.handler === 'compensate') return `${run.taskId} ↶ undo ${taskIdOf(run.compensates ?? -1) ?? 'a task'}`
  const handler = run.handler ? HANDLER_WORDS[run.handler] : undefined
  if (handler) return `${run.taskId} (${handler})`
  if (run.parentTaskRunId === null || run.branch === null) return run.taskId
  if (run.iteration !== null && String(run.iteration) === run.branch) return `${run.taskId} [${run.iteration}]`
  if (/^\d+$/.test(run.branch)) return `${run.taskId} (branch ${Number(run.branch) + 1})`
  return `${run.taskId} (${run.branch})`
}

/** Lays out `runs` (a page of them) on a time axis. */
export function layoutGantt(runs: readonly GanttRun[], options: GanttOptions): GanttLayout {
  const width = options.width ?? 1200
  const labelWidth = options.labelWidth ?? 220
  const statusWidth = options.statusWidth ?? 110
  const rowHeight = options.rowHeight ?? 22
  const axisHeight = 22
  const ordered = treeOrder(runs)
  // a reused run ran in the original execution: its times would stretch the axis back to that run
  const timed = ordered.map(({ run, depth }) => ({
    run,
    depth,
    segments: run.reused ? [] : segmentsOf(run, options.now),
  }))
  const times = timed.flatMap((row) => row.segments.flatMap((segment) => [segment.start, segment.end]))
  const start = Math.min(options.start, ...times)
  const end = Math.max(options.end, ...times, start + 1)
  const plot = width - labelWidth - statusWidth
  // label, then status, then the time axis: on a narrow screen the first two stay in view
  const left = labelWidth + statusWidth
  const xOf = (at: number) => left + ((at - start) / (end - start)) * plot
  const byId = new Map(runs.map((run) => [run.id, run]))
  const handlerOf = new Map<number, string | null>()
  for (const { run } of ordered) handlerOf.set(run.id, run.handler ?? handlerOf.get(run.parentTaskRunId ?? -1) ?? null)
  const rows = timed.map(({ run, depth, segments }, index) => ({
    run,
    depth,
    handler: handlerOf.get(run.id) ?? null,
    opensHandler: depth === 0 && !!run.handler && timed[index - 1]?.run.handler !== run.handler,
    y: axisHeight + index * rowHeight,
    label: rowLabel(run, (id) => byId.get(id)?.taskId),
    segments: segments.map((segment) => {
      // a segment at the very end (a 0 ms failure as the run ends) stays inside the plot
      const x = Math.min(xOf(segment.start), left + plot - MIN_SEGMENT)
      const right = Math.min(xOf(segment.end), left + plot)
      return { ...segment, x, width: Math.max(MIN_SEGMENT, right - x) }
    }),
  }))
  const step = tickStep(end - start, 6)
  const ticks: { x: number; label: string }[] = []
  for (let offset = 0; offset <= end - start; offset += step)
    ticks.push({ x: xOf(start + offset), label: offsetLabel(offset) })
  return {
    rows,
    start,
    end,
    width,
    height: axisHeight + rows.length * rowHeight + 4,
    labelWidth,
    statusWidth,
    rowHeight,
    axisHeight,
    ticks,
  }
}
