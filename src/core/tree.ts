/**
 * @module What runs next (pure): lanes advance task by task, containers finish when their
 * lanes do, a failure climbs to the nearest `allowFailure` container or fails the execution.
 */
import { ITERATION_LANE } from '../domain/lanes'
import { InvariantViolated } from '../domain/errors'
import { canTransitionTaskRun } from './transitions'
import type { Draft, Progress, RunState } from './state'
import { FINAL_RUN } from './transitions'
import type { ExecutionError, Metric, Output, TaskError, TaskRunStatus } from '../domain/types'
import { finalOutput } from './output'
import { iterationScope } from './scopes'
import { CLEANUP_TIMER, EXECUTION_TIMER, runTimers } from './timers'

export const ROOT_LANE = ''

/** The task ids of a lane: the flow's list, a container's branch, or a foreach's body. */
export function laneTasks(d: Draft, parent: RunState | null, lane: string): readonly string[] {
  if (!parent) return d.flow.root
  const lanes = d.flow.tasks.get(parent.taskId)?.lanes ?? {}
  return lanes[lane] ?? lanes[ITERATION_LANE] ?? []
}

function progressOf(d: Draft, parent: RunState | null): Progress {
  const progress = parent ? parent.progress : d.exec.root
  if (!progress) throw new InvariantViolated(`task run ${parent?.id} has no lanes`)
  return progress
}

function setProgress(d: Draft, parent: RunState | null, progress: Progress): void {
  if (parent) d.updateRun(parent.id, { progress })
  else d.updateExec({ root: progress })
}

/** Changes a run's status, refusing what the transition table forbids. */
export function setRunStatus(d: Draft, run: RunState, status: TaskRunStatus, patch: Partial<RunState> = {}): RunState {
  if (!canTransitionTaskRun(run.status, status)) {
    throw new InvariantViolated(`task run ${run.id} (${run.taskId}) cannot go from ${run.status} to ${status}`)
  }
  const final = FINAL_RUN.has(status)
  const ended = final
    ? { endedAt: d.now, wakeAt: null, metrics: withDuration(run, patch.metrics ?? run.metrics, d.now) }
    : {}
  return d.updateRun(run.id, { ...patch, ...ended, status })
}

function withDuration(run: RunState, metrics: Metric[], now: number): Metric[] {
  if (run.startedAt === null) return metrics
  return [
    ...metrics.filter((metric) => metric.name !== 'duration'),
    { name: 'duration', type: 'duration', value: now - run.startedAt },
  ]
}

function createRun(
  d: Draft,
  parent: RunState | null,
  lane: string,
  position: number,
  status: TaskRunStatus = 'pending',
): RunState {
  const taskId = laneTasks(d, parent, lane)[position]
  const task = taskId === undefined ? undefined : d.flow.tasks.get(taskId)
  if (!task) throw new InvariantViolated(`lane "${lane}" has no task at ${position}`)
  const foreach = parent?.progress?.foreach !== undefined
  const id = d.exec.nextRunId
  d.updateExec({ nextRunId: id + 1 })
  if (foreach && position === 0 && status === 'pending') {
    d.emit({ type: 'beginScope', scope: iterationScope(parent?.id ?? 0, lane) })
  }
  return d.putRun({
    id,
    taskId: task.task.id,
    type: task.task.type,
    status,
    parentId: parent?.id ?? null,
    lane,
    position,
    iteration: foreach ? Number(lane) : (parent?.iteration ?? null),
    scope: foreach ? iterationScope(parent?.id ?? 0, lane) : (parent?.scope ?? null),
    attempts: [],
    output: null,
    error: null,
    metrics: [],
    startedAt: null,
    endedAt: status === 'skipped' ? d.now : null,
    wakeAt: null,
    childExecutionId: null,
    wait: null,
    reused: false,
    progress: null,
  })
}

/** Starts lane `lane` of `parent` (null: the flow) at its first task, or at `position`. */
export function startLane(d: Draft, parent: RunState | null, lane: string, position = 0): void {
  const run = createRun(d, parent, lane, position)
  const current = parent ? (d.run(parent.id) ?? parent) : null
  const progress = progressOf(d, current)
  setProgress(d, current, { ...progress, lanes: { ...progress.lanes, [lane]: { position, runId: run.id } } })
}

/** Records every task of a lane that will not run as `skipped`. */
export function skipLane(d: Draft, parent: RunState, lane: string): void {
  laneTasks(d, parent, lane).forEach((_, position) => createRun(d, parent, lane, position, 'skipped'))
}

/** A run ended well (completed, warning, skipped): its lane moves on. */
export function advance(d: Draft, run: RunState): void {
  const parent = run.parentId === null ? null : (d.run(run.parentId) ?? null)
  if (run.parentId !== null && !parent) return
  const progress = progressOf(d, parent)
  const warned = progress.warned || run.status === 'warning'
  const next = run.position + 1
  if (next < laneTasks(d, parent, run.lane).length) {
    const created = createRun(d, parent, run.lane, next)
    setProgress(d, parent, {
      ...progress,
      warned,
      lanes: { ...progress.lanes, [run.lane]: { position: next, runId: created.id } },
    })
    return
  }
  laneDone(d, parent, run.lane, { ...progress, warned })
}

function laneDone(d: Draft, parent: RunState | null, lane: string, progress: Progress): void {
  const { [lane]: _done, ...lanes } = progress.lanes
  if (!parent) {
    d.updateExec({ root: { ...progress, lanes } })
    finishExecution(d, progress.warned ? 'warning' : 'completed')
    return
  }
  const foreach = progress.foreach
  if (!foreach) {
    setProgress(d, parent, { ...progress, lanes })
    if (Object.keys(lanes).length === 0) completeContainer(d, parent.id, null)
    return
  }
  d.emit({ type: 'dropScope', scope: iterationScope(parent.id, lane) })
  const done = foreach.done + 1
  setProgress(d, parent, { ...progress, lanes, foreach: { ...foreach, done } })
  if (done === foreach.total) {
    // its output, the last output of each iteration, is read back from storage by the shell
    completeContainer(d, parent.id, null)
    d.emit({ type: 'collect', runId: parent.id })
    return
  }
  startIterations(d, parent.id)
}

/** Starts foreach iterations until `concurrency` run at once or the items are used up. */
export function startIterations(d: Draft, runId: number): void {
  for (;;) {
    const run = d.run(runId)
    const foreach = run?.progress?.foreach
    if (!run || !foreach) return
    const running = Object.keys(run.progress?.lanes ?? {}).length
    if (foreach.next >= foreach.total || running >= foreach.concurrency) return
    d.updateRun(runId, { progress: { ...run.progress!, foreach: { ...foreach, next: foreach.next + 1 } } })
    startLane(d, d.run(runId)!, String(foreach.next))
  }
}

/** A container whose lanes all ended: completed, or warning when a task in it warned. */
export function completeContainer(d: Draft, runId: number, output: unknown): void {
  const run = d.run(runId)
  if (!run) return
  cancelRunTimers(d, runId)
  const ended = setRunStatus(d, run, run.progress?.warned ? 'warning' : 'completed', { output })
  d.log('info', ended, `${ended.status} in ${d.now - (run.startedAt ?? d.now)} ms`)
  advance(d, ended)
}

/** Kills every active run below `ancestorId` (every active run when null). */
export function killBelow(d: Draft, ancestorId: number | null, reason: TaskError): void {
  // decide every victim first: a killed container leaves the active set, and its children with it
  const victims = [...d.activeRuns()].filter((run) => run.id !== ancestorId && isBelow(d, run, ancestorId))
  for (const run of victims) killRun(d, d.run(run.id) ?? run, reason)
}

function isBelow(d: Draft, run: RunState, ancestorId: number | null): boolean {
  if (ancestorId === null) return true
  for (let parentId = run.parentId; parentId !== null; parentId = d.run(parentId)?.parentId ?? null) {
    if (parentId === ancestorId) return true
  }
  return false
}

export function killRun(d: Draft, run: RunState, reason: TaskError): void {
  if (run.status === 'running') d.emit({ type: 'abort', runId: run.id, reason })
  if (run.childExecutionId && run.status === 'waiting') d.emit({ type: 'killChild', executionId: run.childExecutionId })
  cancelRunTimers(d, run.id)
  const attempts = run.attempts.map((attempt) =>
    attempt.endedAt === null ? { ...attempt, status: 'killed' as const, endedAt: d.now, error: reason } : attempt,
  )
  setRunStatus(d, run, 'killed', { attempts })
}

export function cancelRunTimers(d: Draft, runId: number): void {
  for (const timer of runTimers(runId)) d.emit({ type: 'cancelTimer', timer })
}

/**
 * A run failed for good. Its container fails with it (other work inside is killed) unless the
 * container allows failure; at the top the execution fails.
 */
export function propagateFailure(d: Draft, failedRun: RunState, origin: ExecutionError): void {
  let child = failedRun
  for (;;) {
    const parent = child.parentId === null ? null : (d.run(child.parentId) ?? null)
    if (!parent) {
      failExecution(d, origin)
      return
    }
    const reason: TaskError = { type: origin.type, message: `task ${origin.taskId} failed: ${origin.message}` }
    killBelow(d, parent.id, { type: 'internal', message: `killed because task ${origin.taskId} failed` })
    cancelRunTimers(d, parent.id)
    const allowed = d.flow.tasks.get(parent.taskId)?.task.allowFailure === true
    const ended = setRunStatus(d, d.run(parent.id) ?? parent, allowed ? 'warning' : 'failed', { error: reason })
    if (allowed) {
      advance(d, ended)
      return
    }
    child = ended
  }
}

/** Ends the execution as failed: every active run is killed, the output becomes a 500. */
export function failExecution(d: Draft, error: ExecutionError): void {
  killBelow(d, null, { type: 'internal', message: 'killed because the execution failed' })
  endExecution(d, 'failed', error)
}

export function finishExecution(d: Draft, status: 'completed' | 'warning'): void {
  endExecution(d, status, null)
}

export function endExecution(
  d: Draft,
  status: 'completed' | 'warning' | 'failed' | 'killed',
  error: ExecutionError | null,
): void {
  const output: Output = finalOutput(d.exec.mode, status, d.exec.output, error)
  d.updateExec({ status, error, output, endedAt: d.now, wakeAt: null, paused: false })
  d.emit({ type: 'cancelTimer', timer: EXECUTION_TIMER })
  d.emit({ type: 'timer', timer: CLEANUP_TIMER, at: d.now + d.flow.retentionMs })
  d.log(status === 'failed' ? 'error' : 'info', null, `execution ${status}`)
  d.emit({ type: 'finished' })
}
