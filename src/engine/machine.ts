/**
 * @module The state machine (pure, no `cloudflare:*`): `decide(state, event)` returns the next
 * state and the effects the Durable Object must carry out. Time comes in as `now`.
 */
import type { ActionResult } from '../actions/define'
import type { CompiledFlow } from '../flow/compile'
import { nextAttemptAt } from './retry'
import { type Decision, Draft, type EngineState, FINAL_EXECUTION, type RunState } from './state'
import { canTransitionExecution } from './transitions'
import {
  advance,
  cancelRunTimers,
  completeContainer,
  endExecution,
  failExecution,
  killBelow,
  propagateFailure,
  ROOT_LANE,
  setRunStatus,
  skipLane,
  startIterations,
  startLane,
} from './tree'
import type { ExecutionError, ExecutionStatus, Output, TaskError } from './types'

const FINAL_STATUSES: readonly ExecutionStatus[] = [...FINAL_EXECUTION]

/** The longest an attempt of an action that does I/O may stay open without its own `timeout`. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000

/** What happened to a run: an action's result, or a skip decided by the task's `if`. */
export type RunResult = ActionResult | { kind: 'skipped' }

export type EngineEvent =
  /** Starts the flow's tasks at `position` (0, or later for a replay that reuses the earlier ones). */
  | { type: 'start'; position: number }
  | { type: 'attempt'; runId: number; input: unknown }
  | { type: 'result'; runId: number; attempt: number; result: RunResult }
  | { type: 'interrupted'; runId: number }
  | { type: 'timer'; key: string }
  | { type: 'event'; runId: number; payload: unknown }
  | { type: 'child'; runId: number; executionId: string; status: ExecutionStatus; output: Output | null; error: ExecutionError | null }
  /** The shell hit an unexpected error: the execution fails rather than being left without an alarm. */
  | { type: 'crashed'; message: string }
  | { type: 'kill' }
  | { type: 'killed' }
  | { type: 'pause' }
  | { type: 'resume' }

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
      return beginAttempt(d, event.runId, event.input)
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
      return onTimer(d, event.key)
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
      if (FINAL_STATUSES.includes(d.exec.status)) return
      if (d.exec.status === 'killing') return endExecution(d, 'killed', null)
      return failExecution(d, { type: 'internal', message: event.message, taskId: null, taskRunId: null, attempt: null })
    case 'killed':
      if (d.exec.status === 'killing') endExecution(d, 'killed', null)
      return
    case 'pause':
      if (!['pending', 'running', 'delayed', 'waiting'].includes(d.exec.status)) {
        throw new Refused(`cannot pause an execution that is ${d.exec.status}`)
      }
      d.updateExec({ paused: true })
      d.log('info', null, 'execution paused')
      return
    case 'resume':
      if (!d.exec.paused) throw new Refused(`cannot resume an execution that is ${d.exec.status}`)
      d.updateExec({ paused: false })
      d.log('info', null, 'execution resumed')
      return
  }
}

function start(d: Draft, position: number): void {
  if (d.exec.status !== 'pending') return
  d.updateExec({ status: 'running', startedAt: d.now })
  if (d.flow.timeoutMs !== null) d.emit({ type: 'timer', key: 'execution', at: d.now + d.flow.timeoutMs })
  d.log('info', null, `execution started (flow ${d.flow.flowId}, revision ${d.flow.revision})`)
  startLane(d, null, ROOT_LANE, position)
}

function kill(d: Draft): void {
  if ([...FINAL_STATUSES, 'killing'].includes(d.exec.status)) {
    throw new Refused(`cannot kill an execution that is ${d.exec.status}`)
  }
  d.updateExec({ status: 'killing', paused: false })
  killBelow(d, null, { type: 'internal', message: 'killed on request' })
  d.log('warn', null, 'kill requested')
}

function taskOf(d: Draft, run: RunState) {
  const task = d.flow.tasks.get(run.taskId)
  if (!task) throw new Error(`task ${run.taskId} is not in revision ${d.flow.revision}`)
  return task
}

function beginAttempt(d: Draft, runId: number, input: unknown): void {
  const run = d.run(runId)
  if (run?.status !== 'pending') return
  const number = (run.attempts.at(-1)?.number ?? 0) + 1
  const task = taskOf(d, run)
  setRunStatus(d, run, 'running', {
    startedAt: run.startedAt ?? d.now,
    wakeAt: null,
    attempts: [...run.attempts, { number, status: 'running', startedAt: d.now, endedAt: null, input }],
  })
  d.log('debug', run, `attempt ${number} started`)
  if (!task.action.inline) {
    d.emit({ type: 'timer', key: `timeout:${runId}`, at: d.now + (task.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS) })
  }
}

function closeAttempt(run: RunState, now: number, status: 'completed' | 'failed', error?: TaskError) {
  return run.attempts.map((attempt, index) =>
    index === run.attempts.length - 1 && attempt.endedAt === null
      ? { ...attempt, status, endedAt: now, ...(error ? { error } : {}) }
      : attempt,
  )
}

function onResult(d: Draft, runId: number, attemptNumber: number, result: RunResult): void {
  const run = d.run(runId)
  if (!run) return
  if (result.kind === 'skipped') {
    if (run.status !== 'pending') return
    d.log('debug', run, 'skipped: its condition is false')
    return advance(d, setRunStatus(d, run, 'skipped'))
  }
  // a late result (after a timeout, a kill or a restart) must not touch the run again
  if (run.status !== 'running' || run.attempts.at(-1)?.number !== attemptNumber) return
  const task = taskOf(d, run)
  switch (result.kind) {
    case 'completed': {
      if (result.log) d.log(result.log.level, run, result.log.message)
      if (result.response) d.updateExec({ output: result.response })
      return completeRun(d, run, result.output, result.metrics)
    }
    case 'failed':
      return failAttempt(d, run, result.error, result.metrics)
    case 'sleep': {
      if (result.until <= d.now) return completeRun(d, run, { sleptMs: 0 })
      d.emit({ type: 'timer', key: `wake:${runId}`, at: result.until })
      d.log('info', run, `delayed until ${new Date(result.until).toISOString()}`)
      setRunStatus(d, run, 'delayed', { wakeAt: result.until })
      return
    }
    case 'lanes': {
      armContainerTimeout(d, run)
      const container = setRunStatus(d, run, 'waiting', {
        attempts: closeAttempt(run, d.now, 'completed'),
        progress: { lanes: {}, warned: false },
      })
      // runs are recorded in the order the lanes are written
      d.log('info', run, result.run.length > 0 ? `running ${result.run.join(', ')}` : 'no branch to run')
      for (const lane of Object.keys(task.lanes)) {
        if (result.skip.includes(lane)) skipLane(d, container, lane)
        if (result.run.includes(lane)) startLane(d, d.run(runId) ?? container, lane)
      }
      if (result.run.length === 0) completeContainer(d, runId, null)
      return
    }
    case 'iterate': {
      armContainerTimeout(d, run)
      const total = result.items.length
      setRunStatus(d, run, 'waiting', {
        attempts: closeAttempt(run, d.now, 'completed'),
        progress: { lanes: {}, warned: false, foreach: { total, concurrency: result.concurrency, next: 0, done: 0 } },
        metrics: [...run.metrics, { name: 'foreach.items', type: 'counter', value: total }],
      })
      d.log('info', run, `iterating over ${total} item(s), ${result.concurrency} at a time`)
      if (total === 0) completeContainer(d, runId, [])
      else startIterations(d, runId)
      return
    }
    case 'wait': {
      setRunStatus(d, run, 'waiting', { wait: { event: result.event, onTimeout: result.onTimeout } })
      if (task.timeoutMs !== null) d.emit({ type: 'timer', key: `timeout:${runId}`, at: d.now + task.timeoutMs })
      d.log('info', run, `waiting for event "${result.event}"`)
      return
    }
    case 'child': {
      d.emit({ type: 'cancelTimer', key: `timeout:${runId}` })
      if (!result.wait) return completeRun(d, run, { executionId: result.executionId })
      const waiting = setRunStatus(d, run, 'waiting', { childExecutionId: result.executionId })
      if (task.timeoutMs !== null) d.emit({ type: 'timer', key: `timeout:${runId}`, at: d.now + task.timeoutMs })
      if (FINAL_STATUSES.includes(result.status as ExecutionStatus)) {
        onChild(d, { type: 'child', runId, executionId: result.executionId, status: result.status as ExecutionStatus, output: result.output, error: null })
      } else {
        d.log('info', waiting, `waiting for child execution ${result.executionId}`)
      }
      return
    }
  }
}

/** A container's `timeout` bounds the time its tasks take. */
function armContainerTimeout(d: Draft, run: RunState): void {
  const timeoutMs = taskOf(d, run).timeoutMs
  if (timeoutMs !== null) d.emit({ type: 'timer', key: `timeout:${run.id}`, at: d.now + timeoutMs })
}

function completeRun(d: Draft, run: RunState, output: unknown, metrics: RunState['metrics'] = []): void {
  cancelRunTimers(d, run.id)
  const ended = setRunStatus(d, run, 'completed', {
    output,
    attempts: closeAttempt(run, d.now, 'completed'),
    metrics: [...run.metrics, ...metrics],
  })
  d.log('info', run, `completed in ${d.now - (run.startedAt ?? d.now)} ms (${run.attempts.length || 1} attempt(s))`)
  advance(d, ended)
}

/** The current attempt failed: retry under the task's policy, or fail the run for good. */
function failAttempt(d: Draft, run: RunState, error: TaskError, metrics: RunState['metrics'] = []): void {
  const task = taskOf(d, run)
  const attempt = run.attempts.at(-1)?.number ?? 1
  const attempts = closeAttempt(run, d.now, 'failed', error)
  cancelRunTimers(d, run.id)
  const retryAt = nextAttemptAt(task.retry, attempt, error.type, d.now)
  const allMetrics = [...run.metrics, ...metrics]
  if (retryAt !== null) {
    d.emit({ type: 'timer', key: `retry:${run.id}`, at: retryAt })
    d.log('warn', run, `attempt ${attempt} failed (${error.type}: ${error.message}); retrying in ${retryAt - d.now} ms`)
    setRunStatus(d, run, 'delayed', { attempts, wakeAt: retryAt, metrics: allMetrics })
    return
  }
  const allowed = task.task.allowFailure === true
  d.log(allowed ? 'warn' : 'error', run, `failed after ${attempt} attempt(s): ${error.type}: ${error.message}`)
  const ended = setRunStatus(d, run, allowed ? 'warning' : 'failed', { attempts, error, metrics: allMetrics })
  if (allowed) return advance(d, ended)
  propagateFailure(d, ended, { ...error, taskId: run.taskId, taskRunId: run.id, attempt })
}

function onTimer(d: Draft, key: string): void {
  if (key === 'execution') {
    if ([...FINAL_STATUSES, 'killing'].includes(d.exec.status)) return
    const ms = d.flow.timeoutMs ?? 0
    failExecution(d, { type: 'timeout', message: `the execution timed out after ${ms} ms`, taskId: null, taskRunId: null, attempt: null })
    return
  }
  const [kind, id] = key.split(':')
  const run = d.run(Number(id))
  if (!run) return
  if (kind === 'wake' && run.status === 'delayed' && run.attempts.at(-1)?.endedAt === null) {
    return completeRun(d, run, { sleptMs: d.now - (run.attempts.at(-1)?.startedAt ?? d.now) })
  }
  if (kind === 'retry' && run.status === 'delayed') {
    setRunStatus(d, run, 'pending', { wakeAt: null })
    return
  }
  if (kind === 'timeout') return onTimeout(d, run)
}

function onTimeout(d: Draft, run: RunState): void {
  const task = taskOf(d, run)
  const ms = task.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS
  const error: TaskError = { type: 'timeout', message: `${run.type} task timed out after ${ms} ms` }
  if (run.wait?.onTimeout === 'continue' && run.status === 'waiting') return completeRun(d, run, { timedOut: true })
  if (run.progress) {
    killBelow(d, run.id, { type: 'timeout', message: `killed because ${run.taskId} timed out` })
    const ended = setRunStatus(d, d.run(run.id) ?? run, 'failed', { error })
    propagateFailure(d, ended, { ...error, taskId: run.taskId, taskRunId: run.id, attempt: run.attempts.at(-1)?.number ?? null })
    return
  }
  if (run.status !== 'running' && run.status !== 'waiting') return
  if (run.status === 'running') d.emit({ type: 'abort', runId: run.id, reason: error })
  if (run.childExecutionId) d.emit({ type: 'killChild', executionId: run.childExecutionId })
  failAttempt(d, run, error)
}

function onChild(d: Draft, event: Extract<EngineEvent, { type: 'child' }>): void {
  const run = d.run(event.runId)
  if (run?.status !== 'waiting' || run.childExecutionId !== event.executionId) return
  if (event.status === 'completed' || event.status === 'warning') return completeRun(d, run, event.output)
  if (event.status === 'failed' || event.status === 'killed') {
    const why = event.error ? `: ${event.error.message}` : ''
    failAttempt(d, run, {
      type: 'subflow_failed',
      message: `child execution ${run.childExecutionId} ${event.status}${why}`,
    })
  }
}

/** After every event: derive the execution's status from its active runs and bump the version. */
function settle(d: Draft, before: EngineState['exec']): void {
  const status = nextStatus(d)
  if (status !== d.exec.status) {
    if (!canTransitionExecution(d.exec.status, status)) {
      throw new Error(`execution cannot go from ${d.exec.status} to ${status}`)
    }
    d.updateExec({ status })
  }
  const wakeAt = status === 'delayed' ? earliestWake(d) : null
  if (wakeAt !== d.exec.wakeAt) d.updateExec({ wakeAt })
  if (d.exec.status !== before.status || d.exec.output !== before.output || d.exec.error !== before.error || d.exec.wakeAt !== before.wakeAt) {
    d.updateExec({ version: before.version + 1 })
  }
}

function nextStatus(d: Draft): ExecutionStatus {
  const current = d.exec.status
  if (current === 'killing' || FINAL_STATUSES.includes(current)) return current
  if (d.exec.paused) return 'paused'
  if (d.exec.startedAt === null) return 'pending'
  let waiting = false
  let delayed = false
  for (const run of d.activeRuns()) {
    if (run.progress) continue
    if (run.status === 'pending' || run.status === 'running') return 'running'
    if (run.status === 'waiting') waiting = true
    if (run.status === 'delayed') delayed = true
  }
  return waiting ? 'waiting' : delayed ? 'delayed' : 'running'
}

function earliestWake(d: Draft): number | null {
  let earliest: number | null = null
  for (const run of d.activeRuns()) {
    if (run.wakeAt !== null && (earliest === null || run.wakeAt < earliest)) earliest = run.wakeAt
  }
  return earliest
}
