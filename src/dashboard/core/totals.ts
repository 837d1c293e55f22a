/** @module Task run totals (counts by task and status) turned into what the pages show (pure). */
import type { TaskRunStatus } from '../../domain/types'
import { msOf } from './time'

/** A row of `GET /api/executions/:id/task-runs/totals`. */
export interface RunTotal {
  taskId: string
  status: string
  count: number
  firstStartedAt: string | null
  lastEndedAt: string | null
}

export interface RunsSummary {
  count: number
  byStatus: Map<string, number>
  /** When the first of them started and the last ended (null when none did). */
  from: number | null
  to: number | null
}

/** Count, status totals and time span of a set of task runs. */
export function summariseRuns(totals: readonly RunTotal[]): RunsSummary {
  const byStatus = new Map<string, number>()
  let from: number | null = null
  let to: number | null = null
  for (const total of totals) {
    byStatus.set(total.status, (byStatus.get(total.status) ?? 0) + total.count)
    const started = msOf(total.firstStartedAt)
    const ended = msOf(total.lastEndedAt)
    if (started !== null) from = from === null ? started : Math.min(from, started)
    if (ended !== null) to = to === null ? ended : Math.max(to, ended)
  }
  const count = [...byStatus.values()].reduce((sum, value) => sum + value, 0)
  return { count, byStatus, from, to }
}

/** Counts by status for each task id. */
export function countsByTask(totals: readonly RunTotal[]): Map<string, Map<string, number>> {
  const byTask = new Map<string, Map<string, number>>()
  for (const total of totals) {
    const counts = byTask.get(total.taskId) ?? new Map<string, number>()
    counts.set(total.status, (counts.get(total.status) ?? 0) + total.count)
    byTask.set(total.taskId, counts)
  }
  return byTask
}

/** Which status a group of runs is shown as: trouble first, then work in progress, then how it ended. */
export const PRECEDENCE: readonly TaskRunStatus[] = [
  'failed',
  'killed',
  'running',
  'delayed',
  'waiting',
  'pending',
  'warning',
  'completed',
  'skipped',
]

export function dominantStatus(counts: ReadonlyMap<string, number> | undefined): string {
  if (!counts || counts.size === 0) return 'pending'
  return PRECEDENCE.find((status) => (counts.get(status) ?? 0) > 0) ?? [...counts.keys()][0] ?? 'pending'
}

/** The totals of runs at hand (what `/task-runs/totals` answers for them), without asking for them. */
export function totalsOf(
  runs: readonly { taskId: string; status: string; startedAt: string | null; endedAt: string | null }[],
): RunTotal[] {
  const totals = new Map<string, RunTotal>()
  const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null || a < b ? a : b)
  const later = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b)
  for (const run of runs) {
    const key = `${run.taskId}\u0000${run.status}`
    const total = totals.get(key)
    if (!total) {
      totals.set(key, {
        taskId: run.taskId,
        status: run.status,
        count: 1,
        firstStartedAt: run.startedAt,
        lastEndedAt: run.endedAt,
      })
      continue
    }
    total.count++
    total.firstStartedAt = earlier(total.firstStartedAt, run.startedAt)
    total.lastEndedAt = later(total.lastEndedAt, run.endedAt)
  }
  return [...totals.values()]
}
