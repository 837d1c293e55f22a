/**
 * @module Handlers (pure): a scope's `errors` and `finally`, and the flow's compensations, run as
 * extra lanes of the scope once its own tasks are over (docs/architecture.md, When things fail).
 * This file names those lanes, finds their tasks and says what an expression inside them sees;
 * tree.ts moves a scope from phase to phase.
 */
import { MAX_HANDLER_FAILURES } from '../domain/errors'
import type { ExecutionError } from '../domain/types'
import type { CompiledFlow } from '../flow/compile'
import type { Compensable, Phase, Progress, RunState, ScopeEnding } from './state'

export const ERRORS_LANE = 'errors'
export const FINALLY_LANE = 'finally'
const COMPENSATE_PREFIX = 'compensate:'

/** The phases in the order a scope goes through them. */
export const PHASES: readonly Phase[] = ['errors', 'compensate', 'finally']

/** Completed runs remembered for compensation, at most: the flow's state row must stay small. */
export const MAX_COMPENSABLE = 1000

/** The lane that runs the `compensate` tasks of run `runId` (a lane of the flow). */
export const compensationLane = (runId: number): string => `${COMPENSATE_PREFIX}${runId}`

/** The run a compensation lane undoes; null for any other lane. */
export const compensatedRunOf = (lane: string): number | null =>
  lane.startsWith(COMPENSATE_PREFIX) ? Number(lane.slice(COMPENSATE_PREFIX.length)) : null

/** The phase a lane runs in; null for a scope's own lanes (container lanes never take these names). */
export function phaseOf(lane: string): Phase | null {
  if (lane === ERRORS_LANE) return 'errors'
  if (lane === FINALLY_LANE) return 'finally'
  return lane.startsWith(COMPENSATE_PREFIX) ? 'compensate' : null
}

/** The task ids of a handler lane of `parent` (null: the flow); null when `lane` is not a handler lane. */
export function handlerLaneTasks(
  flow: CompiledFlow,
  parent: RunState | null,
  lane: string,
  root: Progress,
): readonly string[] | null {
  const phase = phaseOf(lane)
  if (phase === null) return null
  if (phase === 'compensate') {
    const runId = compensatedRunOf(lane)
    const target = root.compensable?.find((entry) => entry.runId === runId)
    return (target && flow.tasks.get(target.taskId)?.handlers.compensate) ?? []
  }
  const handlers = parent ? flow.tasks.get(parent.taskId)?.handlers : flow.handlers
  return handlers?.[phase] ?? []
}

/** Whether a scope that ended as `ending` says has anything to run in `phase`. */
export function phaseApplies(
  flow: CompiledFlow,
  scope: RunState | null,
  ending: Omit<ScopeEnding, 'phase'>,
  phase: Phase,
  root: Progress,
): boolean {
  const handlers = scope ? flow.tasks.get(scope.taskId)?.handlers : flow.handlers
  switch (phase) {
    case 'errors':
      return ending.status === 'failed' && !ending.handled && (handlers?.errors.length ?? 0) > 0
    case 'compensate':
      return scope === null && ending.status === 'failed' && (root.compensable?.length ?? 0) > 0
    case 'finally':
      return (handlers?.finally.length ?? 0) > 0
  }
}

/** The next run to compensate: completed runs are undone in reverse order of completion. */
export function nextCompensable(root: Progress): Compensable | null {
  const list = root.compensable ?? []
  return list[list.length - 1 - (root.compensation?.ran ?? 0)] ?? null
}

/** What expressions of a run inside handlers see besides the usual context. */
export interface HandlerContext {
  /** In `errors` (and in `finally` after a failure): the failure being handled. */
  error?: Pick<ExecutionError, 'taskId' | 'taskRunId' | 'type' | 'message' | 'attempt'>
  /** In `finally`: how the scope ended. */
  scope?: { status: ScopeEnding['status'] }
  /** In a compensation: the run it undoes (its output is read by the shell). */
  compensating?: Compensable
}

/**
 * The handler context of `run`: each handler lane it sits in, from the innermost out, adds what is
 * not named yet (an `errors` inside a `finally` sees its own failure as `error`).
 */
export function handlerContext(
  run: RunState,
  runOf: (id: number) => RunState | undefined,
  root: Progress,
): HandlerContext {
  const context: HandlerContext = {}
  for (let current: RunState | undefined = run; current;) {
    const phase = phaseOf(current.lane)
    const parent: RunState | undefined = current.parentId === null ? undefined : runOf(current.parentId)
    const ending = current.parentId === null ? root.ending : parent?.progress?.ending
    if (phase === 'compensate') {
      const runId = compensatedRunOf(current.lane)
      context.compensating ??= root.compensable?.find((entry) => entry.runId === runId)
    }
    if (phase === 'finally' && ending) context.scope ??= { status: ending.status }
    if ((phase === 'errors' || phase === 'finally') && ending?.error) {
      const { taskId, taskRunId, type, message, attempt } = ending.error
      context.error ??= { taskId, taskRunId, type, message, attempt }
    }
    current = parent
  }
  return context
}

/** `error` with a handler's failure recorded beside it (the first few are kept). */
export function withHandlerFailure(error: ExecutionError, failure: ExecutionError): ExecutionError {
  const failures = error.handlerFailures ?? []
  if (failures.length >= MAX_HANDLER_FAILURES || failure.taskId === null || failure.taskRunId === null) return error
  const { taskId, taskRunId, type, message } = failure
  return { ...error, handlerFailures: [...failures, { taskId, taskRunId, type, message }] }
}
