/**
 * @module Attempts (pure): an attempt opens, and its result — completed, failed, asleep, branching,
 * iterating, waiting or handing over to a child — decides what the task run does next.
 */
import type { ActionResult } from '../actions/define'
import { InvariantViolated } from '../domain/errors'
import { nextAttemptAt } from './retry'
import type { Draft, RunState } from './state'
import { FINAL_EXECUTION } from './transitions'
import { advance, completeContainer, propagateFailure, skipLane, startIterations, startLane } from './tree'
import { cancelRunTimers, setRunStatus } from './runs'
import type { ExecutionError, ExecutionStatus, Output, TaskError } from '../domain/types'

/** The longest an attempt of an action that does I/O may stay open without its own `timeout`. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000

/** What happened to a run: an action's result, or a skip decided by the task's `if`. */
export type RunResult = ActionResult | { kind: 'skipped' }

export interface ChildEnded {
  runId: number
  executionId: string
  status: ExecutionStatus
  output: Output | null
  error: ExecutionError | null
}

export function taskOf(d: Draft, run: RunState) {
  const task = d.flow.tasks.get(run.taskId)
  if (!task) throw new InvariantViolated(`task ${run.taskId} is not in revision ${d.flow.revision}`)
  return task
}

export function beginAttempt(d: Draft, runId: number, input: unknown, childExecutionId?: string): void {
  const run = d.run(runId)
  if (run?.status !== 'pending') return
  const number = (run.attempts.at(-1)?.number ?? 0) + 1
  const task = taskOf(d, run)
  setRunStatus(d, run, 'running', {
    startedAt: run.startedAt ?? d.now,
    wakeAt: null,
    attempts: [
      ...run.attempts,
      {
        number,
        status: 'running',
        startedAt: d.now,
        endedAt: null,
        input,
        ...(childExecutionId && { childExecutionId }),
      },
    ],
  })
  d.log('debug', run, `attempt ${number} started`)
  if (!task.action.inline) {
    d.emit({
      type: 'timer',
      timer: { kind: 'timeout', runId },
      at: d.now + (task.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS),
    })
  }
}

/**
 * What an attempt ends with besides its status: its error and the metrics its action counted. Its
 * output is not kept twice: only the completed attempt, the run's last, has one, the run's own.
 */
interface AttemptEnd {
  error?: TaskError
  metrics?: RunState['metrics']
}

function closeAttempt(run: RunState, now: number, status: 'completed' | 'failed', end: AttemptEnd = {}) {
  const { error, metrics } = end
  return run.attempts.map((attempt, index) =>
    index === run.attempts.length - 1 && attempt.endedAt === null
      ? {
          ...attempt,
          status,
          endedAt: now,
          ...(error ? { error } : {}),
          ...(metrics?.length ? { metrics } : {}),
        }
      : attempt,
  )
}

export function onResult(d: Draft, runId: number, attemptNumber: number, result: RunResult): void {
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
      d.emit({ type: 'timer', timer: { kind: 'wake', runId }, at: result.until })
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
      if (result.run.length === 0) completeContainer(d, runId)
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
      if (total === 0) completeContainer(d, runId)
      else startIterations(d, runId)
      return
    }
    case 'wait': {
      setRunStatus(d, run, 'waiting', { wait: { event: result.event, onTimeout: result.onTimeout } })
      if (task.timeoutMs !== null)
        d.emit({ type: 'timer', timer: { kind: 'timeout', runId }, at: d.now + task.timeoutMs })
      d.log('info', run, `waiting for event "${result.event}"`)
      d.emit({ type: 'awaitEvent', runId, event: result.event })
      return
    }
    case 'child': {
      d.emit({ type: 'cancelTimer', timer: { kind: 'timeout', runId } })
      if (!result.wait) return completeRun(d, run, { executionId: result.executionId })
      const waiting = setRunStatus(d, run, 'waiting', { childExecutionId: result.executionId })
      if (task.timeoutMs !== null)
        d.emit({ type: 'timer', timer: { kind: 'timeout', runId }, at: d.now + task.timeoutMs })
      if (FINAL_EXECUTION.has(result.status as ExecutionStatus)) {
        onChild(d, {
          runId,
          executionId: result.executionId,
          status: result.status as ExecutionStatus,
          output: result.output,
          error: null,
        })
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
  if (timeoutMs !== null) d.emit({ type: 'timer', timer: { kind: 'timeout', runId: run.id }, at: d.now + timeoutMs })
}

export function completeRun(d: Draft, run: RunState, output: unknown, metrics: RunState['metrics'] = []): void {
  cancelRunTimers(d, run.id)
  const ended = setRunStatus(d, run, 'completed', {
    output,
    attempts: closeAttempt(run, d.now, 'completed', { metrics }),
    metrics: [...run.metrics, ...metrics],
  })
  d.log('info', run, `completed in ${d.now - (run.startedAt ?? d.now)} ms (${run.attempts.length || 1} attempt(s))`)
  advance(d, ended)
}

/** The current attempt failed: retry under the task's policy, or fail the run for good. */
export function failAttempt(d: Draft, run: RunState, error: TaskError, metrics: RunState['metrics'] = []): void {
  const task = taskOf(d, run)
  const attempt = run.attempts.at(-1)?.number ?? 1
  const attempts = closeAttempt(run, d.now, 'failed', { error, metrics })
  cancelRunTimers(d, run.id)
  const retryAt = nextAttemptAt(task.retry, attempt, error.type, d.now)
  const allMetrics = [...run.metrics, ...metrics]
  if (retryAt !== null) {
    d.emit({ type: 'timer', timer: { kind: 'retry', runId: run.id }, at: retryAt })
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

/** A child execution of a `subflow` task ended: the task completes with its output or fails. */
export function onChild(d: Draft, event: ChildEnded): void {
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
