/**
 * @module Long foreach runs, folded (pure): past a few iterations, a foreach's iterations that
 * ended well become one summary row (how many, by status, over what time) unless the page asks to
 * expand that foreach; failed and unfinished iterations stay in view, with everything under them.
 * A 300-item foreach is then a page of a few rows instead of 300, and so is its live update.
 */
import type { Folded, GanttRun } from './gantt'
import { dominantStatus } from './totals'

/** Iterations of one foreach shown before the rest are folded. */
export const SHOWN_ITERATIONS = 5

/** Statuses whose iterations fold: ended without anything an operator must look at. */
const FOLDED = new Set(['completed', 'skipped'])

interface Summary extends Folded {
  taskIds: string[]
  from: string | null
  to: string | null
}

/** A summary row, drawn as a run under the foreach (type `iterations`, an id past every run's, so it comes last). */
export type FoldedRun = GanttRun & { folded: Folded }

/** The runs kept in view, and a summary row for each foreach whose iterations were folded. */
export interface Fold<T extends GanttRun> {
  kept: T[]
  summaries: FoldedRun[]
}

const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null || a < b ? a : b)
const latest = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b)

/**
 * `runs` with the iterations of each foreach past the first `SHOWN_ITERATIONS` folded, but for
 * the foreach run ids in `expanded`.
 */
export function foldIterations<T extends GanttRun>(
  runs: readonly T[],
  expanded: ReadonlySet<number> = new Set(),
): Fold<T> {
  const byId = new Map(runs.map((run) => [run.id, run]))
  const children = new Map<number, T[]>()
  for (const run of runs)
    if (run.parentTaskRunId !== null)
      children.set(run.parentTaskRunId, [...(children.get(run.parentTaskRunId) ?? []), run])
  const hidden = new Set<number>()
  const summaries = new Map<number, Summary>()
  const hide = (run: T) => {
    hidden.add(run.id)
    for (const child of children.get(run.id) ?? []) hide(child)
  }
  // the foreach runs on the page, and those of iterations whose foreach is on an earlier page
  const foreaches = new Set(runs.filter((run) => run.type === 'foreach').map((run) => run.id))
  for (const [parentId, list] of children)
    if (!byId.has(parentId) && list.some((child) => child.iteration !== null)) foreaches.add(parentId)
  for (const foreachId of foreaches) {
    if (expanded.has(foreachId)) continue
    const list = children.get(foreachId) ?? []
    const iterations = [...new Set(list.map((child) => child.iteration ?? -1))].sort((a, b) => a - b)
    const folded = new Set(iterations.slice(SHOWN_ITERATIONS))
    const fold = list.filter((child) => folded.has(child.iteration ?? -1) && FOLDED.has(child.status))
    if (fold.length < 2) continue
    const summary: Summary = {
      foreachRunId: foreachId,
      taskIds: [...new Set(fold.map((child) => child.taskId))],
      count: fold.length,
      byStatus: new Map(),
      from: null,
      to: null,
    }
    for (const child of fold) {
      hide(child)
      summary.byStatus.set(child.status, (summary.byStatus.get(child.status) ?? 0) + 1)
      summary.from = earliest(summary.from, child.startedAt)
      summary.to = latest(summary.to, child.endedAt)
    }
    summaries.set(foreachId, summary)
  }
  const kept = runs.filter((run) => !hidden.has(run.id))
  return {
    kept,
    summaries: [...summaries.values()].map((summary) => ({
      id: Number.MAX_SAFE_INTEGER - summary.foreachRunId,
      taskId: summary.taskIds.join(', '),
      type: 'iterations',
      status: dominantStatus(summary.byStatus),
      parentTaskRunId: summary.foreachRunId,
      branch: null,
      iteration: null,
      attempts: [],
      startedAt: summary.from,
      endedAt: summary.to,
      wakeAt: null,
      childExecutionId: null,
      handler: byId.get(summary.foreachRunId)?.handler ?? null,
      folded: { foreachRunId: summary.foreachRunId, count: summary.count, byStatus: summary.byStatus },
    })),
  }
}
