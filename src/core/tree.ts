/**
 * @module What runs next (pure): lanes advance task by task, containers finish when their
 * lanes do, then run their handlers (`errors`, the flow's compensations, `finally`); a failure
 * climbs to the nearest scope with handlers or `allowFailure`, or fails the execution.
 */
import { ITERATION_LANE } from '../domain/lanes'
import { InvariantViolated } from '../domain/errors'
import type { Draft, Phase, Progress, RunState, ScopeEnding } from './state'
import {
  compensationLane,
  ERRORS_LANE,
  FINALLY_LANE,
  handlerLaneTasks,
  nextCompensable,
  phaseApplies,
  phaseOf,
  PHASES,
  withHandlerFailure,
} from './handlers'
import type { ExecutionError, Output, TaskError, TaskRunStatus } from '../domain/types'
import { cancelRunTimers, killBelow, setRunStatus } from './runs'
import { finalOutput } from './output'
import { iterationScope } from './scopes'
import { CLEANUP_TIMER, EXECUTION_TIMER } from './timers'

export const ROOT_LANE = ''

/** The task ids of a lane: the flow's list, a container's branch, or a foreach's body. */
export function laneTasks(d: Draft, parent: RunState | null, lane: string): readonly string[] {
  const handlers = handlerLaneTasks(d.flow, parent, lane, d.exec.root)
  if (handlers) return handlers
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
  const foreach = parent?.progress?.foreach !== undefined && phaseOf(lane) === null
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
  const status = progress.warned ? 'warning' : 'completed'
  const phase = phaseOf(lane)
  if (phase) {
    setProgress(d, parent, { ...progress, lanes })
    return handlerDone(d, parent?.id ?? null, phase, null)
  }
  if (!parent) {
    d.updateExec({ root: { ...progress, lanes } })
    return nextPhase(d, null, { status, error: null, handled: false }, null)
  }
  const foreach = progress.foreach
  if (!foreach) {
    setProgress(d, parent, { ...progress, lanes })
    if (Object.keys(lanes).length === 0) nextPhase(d, parent.id, { status, error: null, handled: false }, null)
    return
  }
  d.emit({ type: 'dropScope', scope: iterationScope(parent.id, lane) })
  const done = foreach.done + 1
  setProgress(d, parent, { ...progress, lanes, foreach: { ...foreach, done } })
  if (done === foreach.total) return nextPhase(d, parent.id, { status, error: null, handled: false }, null)
  startIterations(d, parent.id)
}

/**
 * A scope's own tasks are over (`ending` says how): it runs the next of its handler phases after
 * `after` that has tasks to run, or, when none is left, ends.
 */
function nextPhase(d: Draft, scopeId: number | null, ending: Omit<ScopeEnding, 'phase'>, after: Phase | null): void {
  const scope = scopeId === null ? null : d.run(scopeId)
  if (scope === undefined) return
  for (const phase of PHASES.slice(after === null ? 0 : PHASES.indexOf(after) + 1)) {
    if (!phaseApplies(d.flow, scope, ending, phase, d.exec.root)) continue
    const handled = ending.handled || phase === 'errors'
    setProgress(d, scope, { ...progressOf(d, scope), lanes: {}, ending: { ...ending, handled, phase } })
    d.log('info', scope, `${ending.status}: running ${phase === 'compensate' ? 'compensations' : phase}`)
    if (phase !== 'compensate') return startLane(d, scope, phase === 'errors' ? ERRORS_LANE : FINALLY_LANE)
    if (startCompensation(d)) return
  }
  endScope(d, scope, ending)
}

/** Starts the compensation of the next completed run, if one is left; false when none is. */
function startCompensation(d: Draft): boolean {
  const root = d.exec.root
  const target = nextCompensable(root)
  if (!target) return false
  const summary = root.compensation ?? { ran: 0, completed: 0, failed: 0 }
  d.updateExec({ root: { ...root, compensation: { ...summary, ran: summary.ran + 1 } } })
  startLane(d, null, compensationLane(target.runId))
  return true
}

/** A handler lane of a scope ended, well or with `failure` (recorded beside the scope's own error). */
function handlerDone(d: Draft, scopeId: number | null, phase: Phase, failure: ExecutionError | null): void {
  const scope = scopeId === null ? null : d.run(scopeId)
  if (scope === undefined) return
  const progress = progressOf(d, scope)
  const ending = progress.ending
  if (!ending) throw new InvariantViolated(`a ${phase} lane ended in a scope that has not ended`)
  let next: Omit<ScopeEnding, 'phase'> = ending
  if (failure && ending.error) next = { ...ending, error: withHandlerFailure(ending.error, failure) }
  // a finally that fails a scope which had not failed: its failure is the scope's
  else if (failure) next = { status: 'failed', error: failure, handled: false }
  if (phase === 'compensate') {
    const summary = progress.compensation ?? { ran: 1, completed: 0, failed: 0 }
    const counted = failure ? { failed: summary.failed + 1 } : { completed: summary.completed + 1 }
    setProgress(d, scope, { ...progress, ending: { ...next, phase }, compensation: { ...summary, ...counted } })
    if (startCompensation(d)) return
  }
  nextPhase(d, scopeId, next, phase)
}

/** A scope whose handlers are done (or that has none) ends: a container moves its lane on or fails it, the flow ends. */
function endScope(d: Draft, scope: RunState | null, ending: Omit<ScopeEnding, 'phase'>): void {
  const warned = progressOf(d, scope).warned
  const status = ending.status === 'completed' && warned ? 'warning' : ending.status
  if (!scope) {
    if (status !== 'failed') return finishExecution(d, status)
    const summary = d.exec.root.compensation
    return endExecution(
      d,
      'failed',
      ending.error && summary ? { ...ending.error, compensation: summary } : ending.error,
    )
  }
  const run = d.run(scope.id) ?? scope
  cancelRunTimers(d, run.id)
  if (status !== 'failed') {
    const foreach = run.progress?.foreach
    const ended = setRunStatus(d, run, status, { output: foreach?.total === 0 ? [] : null })
    d.log('info', ended, `${ended.status} in ${d.now - (run.startedAt ?? d.now)} ms`)
    // a foreach's output, the last output of each iteration, is read back from storage by the shell
    if (foreach && foreach.total > 0) d.emit({ type: 'collect', runId: run.id })
    return advance(d, ended)
  }
  const origin = ending.error
  if (!origin) throw new InvariantViolated(`task run ${run.id} failed without an error`)
  const reason: TaskError = { type: origin.type, message: `task ${origin.taskId} failed: ${origin.message}` }
  const allowed = d.flow.tasks.get(run.taskId)?.task.allowFailure === true
  const ended = setRunStatus(d, run, allowed ? 'warning' : 'failed', { error: reason })
  if (allowed) return advance(d, ended)
  propagateFailure(d, ended, origin, ending.handled)
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

/** A container with nothing to run (no branch taken, no items): it ends, after its `finally`. */
export function completeContainer(d: Draft, runId: number): void {
  nextPhase(d, runId, { status: 'completed', error: null, handled: false }, null)
}

/**
 * A run failed for good. Everything else in its scope is killed and the scope ends failed: after
 * its handlers, if it has any; then its container fails (unless it allows failure) and the failure
 * climbs, `handled` once an `errors` ran for it. A failure in a handler lane ends that lane and is
 * recorded beside the scope's own error.
 */
export function propagateFailure(d: Draft, failedRun: RunState, origin: ExecutionError, handled = false): void {
  const scope = failedRun.parentId === null ? null : (d.run(failedRun.parentId) ?? null)
  const scopeId = scope?.id ?? null
  killBelow(d, scopeId, { type: 'internal', message: `killed because task ${origin.taskId} failed` })
  const phase = phaseOf(failedRun.lane)
  const progress = progressOf(d, scope && (d.run(scope.id) ?? scope))
  // the iterations in flight end here: their outputs are no longer visible
  for (const lane of scope && progress.foreach ? Object.keys(progress.lanes) : [])
    if (scope && phaseOf(lane) === null) d.emit({ type: 'dropScope', scope: iterationScope(scope.id, lane) })
  setProgress(d, scope && (d.run(scope.id) ?? scope), { ...progress, lanes: {} })
  if (phase) return handlerDone(d, scopeId, phase, origin)
  nextPhase(d, scopeId, { status: 'failed', error: origin, handled }, null)
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
