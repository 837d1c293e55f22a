/**
 * @module Task runs change (pure): a status change the transition table allows (a completed run
 * remembered for compensation), and kills, with the timers of a run.
 */
import { InvariantViolated } from '../domain/errors'
import type { Metric, TaskError, TaskRunStatus } from '../domain/types'
import { MAX_COMPENSABLE } from './handlers'
import type { Draft, RunState } from './state'
import { runTimers } from './timers'
import { canTransitionTaskRun, FINAL_RUN } from './transitions'

/** Changes a run's status, refusing what the transition table forbids. */
export function setRunStatus(d: Draft, run: RunState, status: TaskRunStatus, patch: Partial<RunState> = {}): RunState {
  if (!canTransitionTaskRun(run.status, status)) {
    throw new InvariantViolated(`task run ${run.id} (${run.taskId}) cannot go from ${run.status} to ${status}`)
  }
  const final = FINAL_RUN.has(status)
  const ended = final
    ? { endedAt: d.now, wakeAt: null, metrics: withDuration(run, patch.metrics ?? run.metrics, d.now) }
    : {}
  if (status === 'completed') rememberCompensable(d, run)
  return d.updateRun(run.id, { ...patch, ...ended, status })
}

/** A run completed: if its task declares `compensate`, it is undone should the execution fail. */
function rememberCompensable(d: Draft, run: RunState): void {
  if (!d.flow.tasks.get(run.taskId)?.handlers.compensate.length) return
  const root = d.exec.root
  // what compensations and the flow's finally complete is never undone
  if (root.ending?.phase === 'compensate' || root.ending?.phase === 'finally') return
  const compensable = root.compensable ?? []
  if (compensable.length >= MAX_COMPENSABLE) {
    d.log('warn', run, `not compensable: ${MAX_COMPENSABLE} completed runs are already remembered for compensation`)
    return
  }
  d.updateExec({ root: { ...root, compensable: [...compensable, { runId: run.id, taskId: run.taskId }] } })
}

function withDuration(run: RunState, metrics: Metric[], now: number): Metric[] {
  if (run.startedAt === null) return metrics
  return [
    ...metrics.filter((metric) => metric.name !== 'duration'),
    { name: 'duration', type: 'duration', value: now - run.startedAt },
  ]
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
