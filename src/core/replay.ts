/**
 * @module Replay (pure): which task runs of a finished execution a new execution reuses, and
 * where it starts. The flow's tasks before the restart point are reused with everything below
 * them; the restart point is the top-level task holding `fromTaskId` (a task inside a container
 * re-runs that container).
 */
import { foreachRunOf, iterationOf, iterationScope } from './scopes'
import type { CompiledFlow } from '../flow/compile'
import type { RunState } from './state'
import type { ExecutionError, Output } from '../domain/types'

export interface ReplaySource {
  id: string
  error: ExecutionError | null
  runs: RunState[]
}

export interface ReplayPlan {
  fromTaskId: string
  /** Index in the flow's task list where the new execution starts. */
  startPosition: number
  /** Reused runs, renumbered from 1 in their original order, marked `reused`. */
  runs: RunState[]
  vars: Record<string, unknown>
  warned: boolean
  /** The response a reused `return` task decided, if one did. */
  output: Output | null
}

/** A replay that cannot be planned: the message says why and what to do. */
export class ReplayRefused extends Error {
  readonly type = 'validation_error'
}

const REUSABLE = new Set(['completed', 'warning', 'skipped'])

export function planReplay(source: ReplaySource, flow: CompiledFlow, requested?: string): ReplayPlan {
  const fromTaskId = requested ?? source.error?.taskId ?? null
  if (fromTaskId === null) {
    throw new ReplayRefused(`execution ${source.id} has no failed task to replay from: name one with fromTaskId`)
  }
  if (!flow.tasks.has(fromTaskId)) {
    throw new ReplayRefused(`task "${fromTaskId}" does not exist in revision ${flow.revision} of flow ${flow.flowId}`)
  }
  let top = fromTaskId
  for (let parent = flow.tasks.get(top)?.parentId; parent; parent = flow.tasks.get(parent)?.parentId) top = parent
  const startPosition = flow.root.indexOf(top)
  // the flow's own errors and finally run after its tasks: no replay starts there
  if (startPosition === -1) {
    throw new ReplayRefused(
      `task "${fromTaskId}" is one of the flow's errors or finally tasks: replay from one of its tasks`,
    )
  }

  const latestAtTop = new Map<string, RunState>()
  for (const run of source.runs) if (run.parentId === null) latestAtTop.set(run.taskId, run)
  const kept = new Set<number>()
  flow.root.slice(0, startPosition).forEach((taskId) => {
    const run = latestAtTop.get(taskId)
    if (!run || !REUSABLE.has(run.status)) {
      throw new ReplayRefused(
        `task "${taskId}" did not complete in execution ${source.id}, so it cannot be reused: replay from it or from an earlier task`,
      )
    }
    kept.add(run.id)
  })
  // runs come in start order, so a parent is always seen before its children
  for (const run of source.runs) if (run.parentId !== null && kept.has(run.parentId)) kept.add(run.id)

  const reused = source.runs.filter((run) => kept.has(run.id))
  const ids = new Map(reused.map((run, index) => [run.id, index + 1]))
  const renumber = (scope: string | null) => {
    if (scope === null) return null
    return iterationScope(ids.get(foreachRunOf(scope)) ?? 0, iterationOf(scope))
  }
  const runs = reused.map((run) => ({
    ...run,
    id: ids.get(run.id) as number,
    parentId: run.parentId === null ? null : (ids.get(run.parentId) ?? null),
    position: run.parentId === null ? flow.root.indexOf(run.taskId) : run.position,
    scope: renumber(run.scope),
    progress: null,
    reused: true,
  }))
  const vars: Record<string, unknown> = {}
  for (const run of runs) if (run.type === 'set' && run.status === 'completed') Object.assign(vars, run.output)
  const warned = runs.some((run) => run.parentId === null && run.status === 'warning')
  const output =
    (runs.findLast((run) => run.type === 'return' && run.status === 'completed')?.output as Output | undefined) ?? null
  return { fromTaskId, startPosition, runs, vars, warned, output }
}
