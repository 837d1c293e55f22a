/**
 * @module The state machine (pure, no `cloudflare:*`): `decide(state, event)` returns the next
 * state and the effects the Durable Object must carry out. Time comes in as `now`.
 */
import type { CompiledFlow } from '../flow/compile'
import { EXECUTION_TIMER, type Timer } from './timers'
import {
  beginAttempt,
  completeRun,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  failAttempt,
  onChild,
  onResult,
  type RunResult,
  taskOf,
} from './attempts'
import { type Decision, Draft, type EngineState, type RunState } from './state'
import { settle } from './status'
import { FINAL_EXECUTION, PAUSABLE_EXECUTION } from './transitions'
import { advance, endExecution, failExecution, propagateFailure, ROOT_LANE, startLane } from './tree'
import { killBelow, setRunStatus } from './runs'
import { unreachable } from '../domain/errors'
import type { ExecutionError, ExecutionStatus, Output, TaskError } from '../domain/types'

export { DEFAULT_ATTEMPT_TIMEOUT_MS, type RunResult }

/**
 * What the core is told. Commands — what someone asks for, and may be refused — are imperative
 * (`start`, `kill`, `pause`, `resume`); everything else is a fact that already happened, named in
 * the past or as the thing that arrived, and is never refused.
 */
export type EngineEvent =
  /** Start the flow's tasks at `position` (0, or later for a replay that reuses the earlier ones). */
  | { type: 'start'; position: number }
  /** The flow's concurrency limit is reached: the execution waits in its key's queue, `ahead` before it. */
  | { type: 'queued'; ahead: number; limit: number }
  /** Stop everything: the execution turns `killing` until its children were told to stop. */
  | { type: 'kill' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** An attempt of a pending run began, with its resolved input (and, for a subflow, the id its child gets). */
  | { type: 'attempt'; runId: number; input: unknown; childExecutionId?: string }
  /** An attempt's action answered. */
  | { type: 'result'; runId: number; attempt: number; result: RunResult }
  /** An attempt was cut off by a restart of the object. */
  | { type: 'interrupted'; runId: number }
  /** A timer came due. */
  | { type: 'timer'; timer: Timer }
  /** A named event arrived for a run waiting for it. */
  | { type: 'event'; runId: number; payload: unknown }
  /** A child execution ended. */
  | {
      type: 'child'
      runId: number
      executionId: string
      status: ExecutionStatus
      output: Output | null
      error: ExecutionError | null
    }
  /** The children of the runs a kill stopped were told to stop: the kill is complete. */
  | { type: 'childrenStopped' }
  /** The execution cannot start (its input does not match the flow's schema): it fails with `error`. */
  | { type: 'invalid'; error: ExecutionError }
  /** The shell hit an unexpected error: the execution fails rather than being left without an alarm. */
  | { type: 'crashed'; message: string }

export class Refused extends Error {
  readonly type = 'refused'
}

/** Applies one event. Throws `Refused` for requests the current status does not allow. */
export function decide(state: EngineState, event: EngineEvent, flow: CompiledFlow, now: number): Decision {
  const d = new Draft(state, flow, now)
  handle(d, event)
  settle(d, state.exec)
  return d.result()
}

function handle(d: Draft, event: EngineEvent): void {
  switch (event.type) {
    case 'start':
      return start(d, event.position)
    case 'attempt':
      return beginAttempt(d, event.runId, event.input, event.childExecutionId)
    case 'result':
      return onResult(d, event.runId, event.attempt, event.result)
    case 'interrupted': {
      const run = d.run(event.runId)
      const attempt = run?.attempts.at(-1)
      if (!run || run.status !== 'running' || !attempt) return
      return failAttempt(d, run, {
        type: 'internal',
        message: `attempt ${attempt.number} was interrupted (the execution's object restarted)`,
      })
    }
    case 'timer':
      return onTimer(d, event.timer)
    case 'event': {
      const run = d.run(event.runId)
      if (run?.status !== 'waiting' || !run.wait) return
      return completeRun(d, run, event.payload)
    }
    case 'child':
      return onChild(d, event)
    case 'kill':
      return kill(d)
    case 'crashed':
      if (FINAL_EXECUTION.has(d.exec.status)) return
      if (d.exec.status === 'killing') return endExecution(d, 'killed', null)
      return failExecution(d, {
        type: 'internal',
        message: event.message,
        taskId: null,
        taskRunId: null,
        attempt: null,
      })
    case 'queued':
      if (d.exec.status !== 'pending') return
      d.updateExec({ status: 'queued' })
      d.log(
        'info',
        null,
        `execution queued: concurrency limit ${event.limit} reached, ${event.ahead} ahead in the queue`,
      )
      return
    case 'invalid':
      if (d.exec.status === 'pending') failExecution(d, event.error)
      return
    case 'childrenStopped':
      if (d.exec.status === 'killing') endExecution(d, 'killed', null)
      return
    case 'pause':
      if (!PAUSABLE_EXECUTION.has(d.exec.status)) {
        throw new Refused(`cannot pause an execution that is ${d.exec.status}`)
      }
      d.updateExec({ paused: true })
      d.log('info', null, 'execution paused')
      return
    case 'resume':
      if (!d.exec.paused || FINAL_EXECUTION.has(d.exec.status)) {
        throw new Refused(`cannot resume an execution that is ${d.exec.status}`)
      }
      d.updateExec({ paused: false })
      d.log('info', null, 'execution resumed')
      return
    default:
      return unreachable(event)
  }
}

function start(d: Draft, position: number): void {
  if (d.exec.status !== 'pending' && d.exec.status !== 'queued') return
  d.updateExec({ status: 'running', startedAt: d.now })
  if (d.flow.timeoutMs !== null) d.emit({ type: 'timer', timer: EXECUTION_TIMER, at: d.now + d.flow.timeoutMs })
  d.log('info', null, `execution started (flow ${d.flow.flowId}, revision ${d.flow.revision})`)
  startLane(d, null, ROOT_LANE, position)
}

function kill(d: Draft): void {
  if (isOver(d)) {
    throw new Refused(`cannot kill an execution that is ${d.exec.status}`)
  }
  d.updateExec({ status: 'killing', paused: false })
  killBelow(d, null, { type: 'internal', message: 'killed on request' })
  d.log('warn', null, 'kill requested')
}

function onTimer(d: Draft, timer: Timer): void {
  switch (timer.kind) {
    case 'execution': {
      if (isOver(d)) return
      const ms = d.flow.timeoutMs ?? 0
      return failExecution(d, {
        type: 'timeout',
        message: `the execution timed out after ${ms} ms`,
        taskId: null,
        taskRunId: null,
        attempt: null,
      })
    }
    case 'wake': {
      const run = d.run(timer.runId)
      if (run?.status !== 'delayed' || run.attempts.at(-1)?.endedAt !== null) return
      return completeRun(d, run, { sleptMs: d.now - (run.attempts.at(-1)?.startedAt ?? d.now) })
    }
    case 'retry': {
      const run = d.run(timer.runId)
      if (run?.status === 'delayed') setRunStatus(d, run, 'pending', { wakeAt: null })
      return
    }
    case 'timeout': {
      const run = d.run(timer.runId)
      return run ? onTimeout(d, run) : undefined
    }
    // the shell's own timers: it handles them without asking the core
    case 'cleanup':
    case 'notify':
    case 'acquire':
    case 'release':
    case 'trace':
      return
    default:
      return unreachable(timer)
  }
}

function onTimeout(d: Draft, run: RunState): void {
  const task = taskOf(d, run)
  const ms = task.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS
  const error: TaskError = { type: 'timeout', message: `${run.type} task timed out after ${ms} ms` }
  if (run.wait?.onTimeout === 'continue' && run.status === 'waiting') return completeRun(d, run, { timedOut: true })
  if (run.progress) {
    killBelow(d, run.id, { type: 'timeout', message: `killed because ${run.taskId} timed out` })
    const allowed = task.task.allowFailure === true
    const ended = setRunStatus(d, d.run(run.id) ?? run, allowed ? 'warning' : 'failed', { error })
    d.log(allowed ? 'warn' : 'error', run, error.message)
    if (allowed) return advance(d, ended)
    propagateFailure(d, ended, {
      ...error,
      taskId: run.taskId,
      taskRunId: run.id,
      attempt: run.attempts.at(-1)?.number ?? null,
    })
    return
  }
  if (run.status !== 'running' && run.status !== 'waiting') return
  if (run.status === 'running') d.emit({ type: 'abort', runId: run.id, reason: error })
  if (run.childExecutionId) d.emit({ type: 'killChild', executionId: run.childExecutionId })
  failAttempt(d, run, error)
}

/** Final, or on its way to killed: nothing more happens to it. */
const isOver = (d: Draft) => FINAL_EXECUTION.has(d.exec.status) || d.exec.status === 'killing'
