import type { Timer } from '../../src/core/timers'
import { describe, expect, it } from 'vitest'
import { decide, DEFAULT_ATTEMPT_TIMEOUT_MS, type EngineEvent, Refused, type RunResult } from '../../src/core/machine'
import type { Decision, Effect, RunState } from '../../src/core/state'
import { canTransitionExecution } from '../../src/core/transitions'
import { compileFlow } from '../../src/flow/compile'
import { FlowDefinition } from '../../src/flow/schema'
import { initialState, T0 } from '../helpers/core'

/**
 * Drives `decide` like the Durable Object would: applies events in order, keeps every run it has
 * seen (final ones leave the state), and checks on every step that the execution moved along the
 * transition table and that its version grew with every status change.
 */
function engine(definition: unknown) {
  const flow = compileFlow('flow_1', 1, FlowDefinition.parse(definition))
  let state = initialState(flow)
  let last: Decision = { state, effects: [], runs: [], execChanged: false }
  const seen = new Map<number, RunState>()
  let now = T0

  const send = (event: EngineEvent, at: number = now): Decision => {
    now = at
    const before = state.exec
    last = decide(state, event, flow, now)
    const after = last.state.exec
    expect(
      canTransitionExecution(before.status, after.status),
      `${before.status} → ${after.status} on ${event.type}`,
    ).toBe(true)
    if (after.status !== before.status) expect(after.version).toBeGreaterThan(before.version)
    state = last.state
    for (const run of last.runs) seen.set(run.id, run)
    return last
  }

  /** The latest run of a task (of one foreach iteration when given). */
  const run = (taskId: string, iteration?: number): RunState => {
    const runs = [...seen.values()].filter(
      (r) => r.taskId === taskId && (iteration === undefined || r.iteration === iteration),
    )
    const found = runs.at(-1)
    if (!found) throw new Error(`no run of ${taskId}`)
    return found
  }

  const attempt = (taskId: string, input: unknown = {}, at?: number) =>
    send({ type: 'attempt', runId: run(taskId).id, input }, at)
  const result = (taskId: string, outcome: RunResult, at?: number, iteration?: number) => {
    const target = run(taskId, iteration)
    return send({ type: 'result', runId: target.id, attempt: target.attempts.at(-1)?.number ?? 0, result: outcome }, at)
  }
  /** One attempt of a task and its result. */
  const step = (taskId: string, outcome: RunResult, at?: number, iteration?: number) => {
    send({ type: 'attempt', runId: run(taskId, iteration).id, input: {} }, at)
    return result(taskId, outcome, at, iteration)
  }
  const timer = (timer: Timer, at?: number) => send({ type: 'timer', timer }, at)

  return {
    flow,
    send,
    run,
    attempt,
    result,
    step,
    timer,
    get exec() {
      return state.exec
    },
    get state() {
      return state
    },
    get last() {
      return last
    },
    active: () => [...state.runs.values()],
  }
}

const ok = (output: unknown = null): RunResult => ({ kind: 'completed', output })
const failed = (
  type: 'http_error' | 'fail_task' | 'validation_error' = 'http_error',
  message = 'GET x answered 503',
): RunResult => ({
  kind: 'failed',
  error: { type, message },
})
const log = (id: string) => ({ id, type: 'log', message: id })
const http = (id: string, extra: object = {}) => ({ id, type: 'http', url: 'https://api.example.com/x', ...extra })

const timers = (decision: Decision) =>
  decision.effects.filter((e): e is Extract<Effect, { type: 'timer' }> => e.type === 'timer')
const effectsOf = <K extends Effect['type']>(decision: Decision, type: K) =>
  decision.effects.filter((e): e is Extract<Effect, { type: K }> => e.type === type)

describe('starting', () => {
  it('runs the execution and creates the first task run pending', () => {
    const e = engine({ tasks: [log('a'), log('b')] })
    const decision = e.send({ type: 'start', position: 0 })
    expect(e.exec).toMatchObject({ status: 'running', startedAt: T0, nextRunId: 2, version: 2 })
    expect(decision.runs).toHaveLength(1)
    expect(e.run('a')).toMatchObject({
      id: 1,
      status: 'pending',
      parentId: null,
      attempts: [],
      iteration: null,
      scope: null,
    })
    expect(() => e.run('b')).toThrow()
  })

  it('arms the execution timer when the flow has a timeout', () => {
    const e = engine({ timeout: '10m', tasks: [log('a')] })
    expect(timers(e.send({ type: 'start', position: 0 }))).toEqual([
      { type: 'timer', timer: { kind: 'execution' }, at: T0 + 600_000 },
    ])
  })

  it('ignores a second start', () => {
    const e = engine({ tasks: [log('a')] })
    e.send({ type: 'start', position: 0 })
    const again = e.send({ type: 'start', position: 0 })
    expect(again.runs).toEqual([])
    expect(again.execChanged).toBe(false)
  })

  it('never mutates the state it is given', () => {
    const e = engine({ tasks: [log('a'), log('b')] })
    e.send({ type: 'start', position: 0 })
    const before = e.state
    const copy = structuredClone({ exec: before.exec, runs: [...before.runs.values()] })
    e.step('a', ok({ x: 1 }))
    expect({ exec: before.exec, runs: [...before.runs.values()] }).toEqual(copy)
  })
})

describe('running tasks in order', () => {
  it('opens an attempt with its input, then a completed result moves on to the next task', () => {
    const e = engine({ tasks: [log('a'), log('b')] })
    e.send({ type: 'start', position: 0 })
    e.attempt('a', { message: 'a' }, T0 + 10)
    expect(e.run('a')).toMatchObject({
      status: 'running',
      startedAt: T0 + 10,
      attempts: [{ number: 1, status: 'running', startedAt: T0 + 10, endedAt: null, input: { message: 'a' } }],
    })
    e.result('a', ok({ x: 1 }), T0 + 25)
    expect(e.run('a')).toMatchObject({
      status: 'completed',
      output: { x: 1 },
      endedAt: T0 + 25,
      attempts: [{ number: 1, status: 'completed', endedAt: T0 + 25 }],
      metrics: [{ name: 'duration', type: 'duration', value: 15 }],
    })
    expect(e.run('b')).toMatchObject({ id: 2, status: 'pending', position: 1 })
    expect(e.exec.status).toBe('running')
  })

  it('arms the attempt timeout of a task that does I/O: its own timeout, else the default', () => {
    const e = engine({ tasks: [http('a', { timeout: '5s' }), http('b')] })
    e.send({ type: 'start', position: 0 })
    expect(timers(e.attempt('a'))).toEqual([{ type: 'timer', timer: { kind: 'timeout', runId: 1 }, at: T0 + 5000 }])
    e.result('a', ok())
    expect(timers(e.attempt('b'))).toEqual([
      { type: 'timer', timer: { kind: 'timeout', runId: 2 }, at: T0 + DEFAULT_ATTEMPT_TIMEOUT_MS },
    ])
  })

  it('completes an async execution with 202 and an empty body when the last task completes', () => {
    const e = engine({ tasks: [log('a')] })
    e.send({ type: 'start', position: 0 })
    const decision = e.step('a', ok(), T0 + 50)
    expect(e.exec).toMatchObject({
      status: 'completed',
      endedAt: T0 + 50,
      error: null,
      output: { status: 202, body: {}, headers: {} },
    })
    expect(effectsOf(decision, 'finished')).toHaveLength(1)
    expect(e.active()).toEqual([])
  })

  it('arms the cleanup timer when the execution ends: its end plus the retention, 30 days by default', () => {
    const kept = engine({ tasks: [log('a')] })
    kept.send({ type: 'start', position: 0 })
    expect(timers(kept.step('a', ok(), T0 + 50))).toEqual([
      { type: 'timer', timer: { kind: 'cleanup' }, at: T0 + 50 + 30 * 86_400_000 },
    ])
    const failing = engine({ retention: '2h', tasks: [http('a')] })
    failing.send({ type: 'start', position: 0 })
    const ended = failing.step('a', failed('fail_task'), T0 + 10)
    expect(failing.exec.status).toBe('failed')
    expect(timers(ended)).toEqual([{ type: 'timer', timer: { kind: 'cleanup' }, at: T0 + 10 + 7_200_000 }])
  })

  it('completes a sync execution with 200 and an empty body', () => {
    const e = engine({ mode: 'sync', tasks: [log('a')] })
    e.send({ type: 'start', position: 0 })
    e.step('a', ok())
    expect(e.exec.output).toEqual({ status: 200, body: {}, headers: {} })
  })

  it('sets the output as soon as a return task completes, keeps running, and ends with it', () => {
    const e = engine({ mode: 'sync', tasks: [{ id: 'r', type: 'return', status: 201 }, log('after')] })
    e.send({ type: 'start', position: 0 })
    const response = { status: 201, body: { id: 7 }, headers: { 'x-id': '7' } }
    e.step('r', { kind: 'completed', output: response, response })
    expect(e.exec).toMatchObject({ status: 'running', output: response })
    e.step('after', ok())
    expect(e.exec).toMatchObject({ status: 'completed', output: response })
  })

  it('skips a run whose condition is false and goes on', () => {
    const e = engine({ tasks: [{ ...log('a'), if: 'false' }, log('b')] })
    e.send({ type: 'start', position: 0 })
    e.send({ type: 'result', runId: e.run('a').id, attempt: 0, result: { kind: 'skipped' } })
    expect(e.run('a')).toMatchObject({ status: 'skipped', attempts: [] })
    expect(e.run('b').status).toBe('pending')
  })
})

describe('failures and retries', () => {
  it('fails the execution with the task, run, type, message and attempt when a task fails without retry', () => {
    const e = engine({ tasks: [http('a'), log('b')] })
    e.send({ type: 'start', position: 0 })
    e.step('a', failed('http_error', 'GET x answered 503'))
    const error = { taskId: 'a', taskRunId: 1, type: 'http_error', message: 'GET x answered 503', attempt: 1 }
    expect(e.exec).toMatchObject({ status: 'failed', error, output: { status: 500, body: { error }, headers: {} } })
    expect(e.run('a')).toMatchObject({ status: 'failed', error: { type: 'http_error', message: 'GET x answered 503' } })
    expect(e.run('a').attempts).toMatchObject([{ number: 1, status: 'failed', error: { type: 'http_error' } }])
    expect(() => e.run('b')).toThrow()
  })

  it('delays a failed run until now + back-off and retries it with growing attempt numbers', () => {
    const e = engine({ tasks: [http('a', { retry: { maxAttempts: 3, backoff: 'exponential', delay: '1s' } })] })
    e.send({ type: 'start', position: 0 })
    const first = e.step('a', failed(), T0)
    expect(timers(first)).toEqual([{ type: 'timer', timer: { kind: 'retry', runId: 1 }, at: T0 + 1000 }])
    expect(e.run('a')).toMatchObject({ status: 'delayed', wakeAt: T0 + 1000 })
    expect(e.exec).toMatchObject({ status: 'delayed', wakeAt: T0 + 1000 })

    e.timer({ kind: 'retry', runId: 1 }, T0 + 1000)
    expect(e.run('a')).toMatchObject({ status: 'pending', wakeAt: null })
    expect(e.exec.status).toBe('running')
    const second = e.step('a', failed(), T0 + 1100)
    expect(e.run('a').attempts.map((a) => [a.number, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ])
    expect(timers(second)).toEqual([{ type: 'timer', timer: { kind: 'retry', runId: 1 }, at: T0 + 1100 + 2000 }])

    e.timer({ kind: 'retry', runId: 1 }, T0 + 3100)
    e.step('a', failed(), T0 + 3200)
    expect(e.run('a').status).toBe('failed')
    expect(e.exec).toMatchObject({ status: 'failed', error: { taskId: 'a', taskRunId: 1, attempt: 3 } })
  })

  it('completes a retried run on a later attempt', () => {
    const e = engine({ tasks: [http('a', { retry: { maxAttempts: 2 } })] })
    e.send({ type: 'start', position: 0 })
    e.step('a', failed())
    e.timer({ kind: 'retry', runId: 1 }, T0 + 1000)
    e.step('a', ok('fine'), T0 + 1000)
    expect(e.run('a')).toMatchObject({ status: 'completed', output: 'fine' })
    expect(e.exec.status).toBe('completed')
  })

  it('never retries a fail task or a validation error', () => {
    for (const type of ['fail_task', 'validation_error'] as const) {
      const e = engine({ retry: { maxAttempts: 5 }, tasks: [http('a')] })
      e.send({ type: 'start', position: 0 })
      e.step('a', failed(type, 'no'))
      expect(e.exec).toMatchObject({ status: 'failed', error: { type, attempt: 1 } })
    }
  })

  it('lets an allowFailure task end in warning, goes on, and ends the execution in warning', () => {
    const e = engine({ tasks: [http('a', { allowFailure: true }), log('b')] })
    e.send({ type: 'start', position: 0 })
    e.step('a', failed())
    expect(e.run('a').status).toBe('warning')
    expect(e.exec.status).toBe('running')
    e.step('b', ok())
    expect(e.exec).toMatchObject({ status: 'warning', error: null, output: { status: 202 } })
  })

  it('fails the open attempt of an interrupted run as internal and retries it under the policy', () => {
    const e = engine({ tasks: [http('a', { retry: { maxAttempts: 2, delay: '2s' } })] })
    e.send({ type: 'start', position: 0 })
    e.attempt('a')
    const decision = e.send({ type: 'interrupted', runId: 1 }, T0 + 10)
    expect(e.run('a').attempts[0]).toMatchObject({ status: 'failed', endedAt: T0 + 10, error: { type: 'internal' } })
    expect(timers(decision)).toEqual([{ type: 'timer', timer: { kind: 'retry', runId: 1 }, at: T0 + 2010 }])
    e.timer({ kind: 'retry', runId: 1 }, T0 + 2010)
    e.attempt('a')
    e.send({ type: 'interrupted', runId: 1 }, T0 + 2020)
    expect(e.exec).toMatchObject({ status: 'failed', error: { type: 'internal', attempt: 2 } })
  })

  it('ignores a late result of an earlier attempt', () => {
    const e = engine({ tasks: [http('a', { timeout: '1s', retry: { maxAttempts: 2 } })] })
    e.send({ type: 'start', position: 0 })
    e.attempt('a')
    const timedOut = e.timer({ kind: 'timeout', runId: 1 }, T0 + 1000)
    expect(effectsOf(timedOut, 'abort')).toEqual([
      { type: 'abort', runId: 1, reason: { type: 'timeout', message: expect.any(String) } },
    ])
    expect(e.run('a').status).toBe('delayed')
    const late = e.send({ type: 'result', runId: 1, attempt: 1, result: ok('late') }, T0 + 1500)
    expect(late.runs).toEqual([])
    expect(late.execChanged).toBe(false)
    e.timer({ kind: 'retry', runId: 1 }, T0 + 2000)
    e.attempt('a')
    const stale = e.send({ type: 'result', runId: 1, attempt: 1, result: ok('late') }, T0 + 2100)
    expect(stale.runs).toEqual([])
    e.result('a', ok('second'))
    expect(e.run('a')).toMatchObject({ status: 'completed', output: 'second' })
  })
})

describe('delays', () => {
  it('sleeps the run and the execution until wakeAt, then completes with the time slept', () => {
    const e = engine({ tasks: [{ id: 'd', type: 'delay', duration: '5s' }, log('b')] })
    e.send({ type: 'start', position: 0 })
    e.attempt('d', {}, T0)
    const decision = e.result('d', { kind: 'sleep', until: T0 + 5000 }, T0)
    expect(timers(decision)).toEqual([{ type: 'timer', timer: { kind: 'wake', runId: 1 }, at: T0 + 5000 }])
    expect(e.run('d')).toMatchObject({ status: 'delayed', wakeAt: T0 + 5000 })
    expect(e.exec).toMatchObject({ status: 'delayed', wakeAt: T0 + 5000 })
    e.timer({ kind: 'wake', runId: 1 }, T0 + 5000)
    expect(e.run('d')).toMatchObject({ status: 'completed', output: { sleptMs: 5000 }, wakeAt: null })
    expect(e.exec).toMatchObject({ status: 'running', wakeAt: null })
    expect(e.run('b').status).toBe('pending')
  })

  it('completes at once a sleep whose time has already passed', () => {
    const e = engine({ tasks: [{ id: 'd', type: 'delay', until: '2020-01-01T00:00:00Z' }, log('after')] })
    e.send({ type: 'start', position: 0 })
    const decision = e.step('d', { kind: 'sleep', until: T0 - 1 })
    expect(timers(decision)).toEqual([])
    expect(e.run('d')).toMatchObject({ status: 'completed', output: { sleptMs: 0 } })
    expect(e.run('after').status).toBe('pending')
  })
})

describe('containers', () => {
  const ifFlow = {
    tasks: [
      { id: 'check', type: 'if', condition: 'true', then: [log('yes1'), log('yes2')], else: [log('no1'), log('no2')] },
      log('after'),
    ],
  }

  it('runs the lane taken by an if and records the other lane as skipped', () => {
    const e = engine(ifFlow)
    e.send({ type: 'start', position: 0 })
    const decision = e.step('check', { kind: 'lanes', run: ['then'], skip: ['else'] })
    expect(e.run('check')).toMatchObject({ status: 'waiting', attempts: [{ status: 'completed' }] })
    expect(e.run('no1')).toMatchObject({ status: 'skipped', parentId: 1, lane: 'else', position: 0 })
    expect(e.run('no2')).toMatchObject({ status: 'skipped', parentId: 1, lane: 'else', position: 1 })
    expect(e.run('yes1')).toMatchObject({ status: 'pending', parentId: 1, lane: 'then' })
    expect(decision.runs.map((r) => r.taskId).sort()).toEqual(['check', 'no1', 'no2', 'yes1'])
    expect(e.exec.status).toBe('running')
  })

  it('completes the container when its lane ends, then goes on after it', () => {
    const e = engine(ifFlow)
    e.send({ type: 'start', position: 0 })
    e.step('check', { kind: 'lanes', run: ['then'], skip: ['else'] })
    e.step('yes1', ok())
    expect(e.run('check').status).toBe('waiting')
    e.step('yes2', ok())
    expect(e.run('check').status).toBe('completed')
    expect(e.run('after').status).toBe('pending')
    e.step('after', ok())
    expect(e.exec.status).toBe('completed')
  })

  it('completes a container at once when no lane runs', () => {
    const e = engine({ tasks: [{ id: 'check', type: 'if', condition: 'false', then: [log('yes')] }] })
    e.send({ type: 'start', position: 0 })
    e.step('check', { kind: 'lanes', run: [], skip: ['then'] })
    expect(e.run('yes').status).toBe('skipped')
    expect(e.run('check').status).toBe('completed')
    expect(e.exec.status).toBe('completed')
  })

  const parallel = (extra: object = {}) => ({
    tasks: [
      { id: 'par', type: 'parallel', branches: [[log('left')], [http('right1'), http('right2')]], ...extra },
      log('after'),
    ],
  })

  it('runs every branch of a parallel and completes it when all branches end', () => {
    const e = engine(parallel())
    e.send({ type: 'start', position: 0 })
    e.step('par', { kind: 'lanes', run: ['0', '1'], skip: [] })
    expect([e.run('left').status, e.run('right1').status]).toEqual(['pending', 'pending'])
    e.step('right1', ok())
    e.step('left', ok())
    expect(e.run('par').status).toBe('waiting')
    e.step('right2', ok())
    expect(e.run('par').status).toBe('completed')
    expect(e.run('after').status).toBe('pending')
  })

  it('kills the sibling runs when a branch fails and fails the execution', () => {
    const e = engine(parallel())
    e.send({ type: 'start', position: 0 })
    e.step('par', { kind: 'lanes', run: ['0', '1'], skip: [] })
    e.attempt('right1')
    const decision = e.step('left', failed('http_error', 'boom'))
    expect(e.run('right1')).toMatchObject({ status: 'killed', attempts: [{ status: 'killed' }] })
    expect(effectsOf(decision, 'abort').map((a) => a.runId)).toEqual([e.run('right1').id])
    expect(e.run('par').status).toBe('failed')
    expect(e.exec).toMatchObject({ status: 'failed', error: { taskId: 'left', type: 'http_error', message: 'boom' } })
    expect(e.active()).toEqual([])
  })

  it('ends a failed allowFailure container in warning and goes on', () => {
    const e = engine(parallel({ allowFailure: true }))
    e.send({ type: 'start', position: 0 })
    e.step('par', { kind: 'lanes', run: ['0', '1'], skip: [] })
    e.step('left', failed())
    expect(e.run('right1').status).toBe('killed')
    expect(e.run('par').status).toBe('warning')
    e.step('after', ok())
    expect(e.exec.status).toBe('warning')
  })

  it('kills the runs nested deeper in sibling branches when an allowFailure container fails', () => {
    const e = engine({
      tasks: [
        {
          id: 'par',
          type: 'parallel',
          allowFailure: true,
          branches: [
            [{ id: 'inner', type: 'if', condition: 'true', then: [{ id: 'approval', type: 'wait', event: 'ok' }] }],
            [log('bad')],
          ],
        },
        log('after'),
      ],
    })
    e.send({ type: 'start', position: 0 })
    e.step('par', { kind: 'lanes', run: ['0', '1'], skip: [] })
    e.step('inner', { kind: 'lanes', run: ['then'], skip: [] })
    e.step('approval', { kind: 'wait', event: 'ok', onTimeout: 'fail' })
    e.step('bad', failed())
    expect(e.run('inner').status).toBe('killed')
    expect(e.run('approval').status).toBe('killed')
    expect(e.active().map((r) => r.taskId)).toEqual(['after'])
  })

  it('arms the timeout of a container task and fails it when the timeout fires', () => {
    const e = engine({ tasks: [{ id: 'par', type: 'parallel', timeout: '1s', branches: [[http('slow')]] }] })
    e.send({ type: 'start', position: 0 })
    const started = [
      ...e.attempt('par', {}, T0).effects,
      ...e.result('par', { kind: 'lanes', run: ['0'], skip: [] }, T0).effects,
    ]
    expect(started).toContainEqual({ type: 'timer', timer: { kind: 'timeout', runId: 1 }, at: T0 + 1000 })
    e.attempt('slow')
    e.timer({ kind: 'timeout', runId: 1 }, T0 + 1000)
    expect(e.run('slow').status).toBe('killed')
    expect(e.run('par').status).toBe('failed')
    expect(e.exec).toMatchObject({ status: 'failed', error: { taskId: 'par', type: 'timeout' } })
  })
})

describe('foreach', () => {
  const foreach = {
    tasks: [{ id: 'each', type: 'foreach', items: 'input.body.list', concurrency: 2, tasks: [log('one'), log('two')] }],
  }

  it('starts `concurrency` iterations, each in its own scope', () => {
    const e = engine(foreach)
    e.send({ type: 'start', position: 0 })
    const decision = e.step('each', { kind: 'iterate', items: ['a', 'b', 'c'], concurrency: 2 })
    expect(e.run('each')).toMatchObject({
      status: 'waiting',
      metrics: [{ name: 'foreach.items', type: 'counter', value: 3 }],
    })
    const started = decision.runs.filter((r) => r.taskId === 'one')
    expect(started.map((r) => [r.iteration, r.scope, r.lane, r.parentId])).toEqual([
      [0, '1#0', '0', 1],
      [1, '1#1', '1', 1],
    ])
    expect(effectsOf(decision, 'beginScope')).toEqual([
      { type: 'beginScope', scope: '1#0' },
      { type: 'beginScope', scope: '1#1' },
    ])
  })

  it('starts the next iteration when one ends and completes after every item with a collect effect', () => {
    const e = engine(foreach)
    e.send({ type: 'start', position: 0 })
    e.step('each', { kind: 'iterate', items: ['a', 'b', 'c'], concurrency: 2 })
    e.step('one', ok(), undefined, 0)
    expect(e.run('two', 0)).toMatchObject({ iteration: 0, scope: '1#0', status: 'pending' })
    const ended = e.step('two', ok(), undefined, 0)
    expect(effectsOf(ended, 'dropScope')).toEqual([{ type: 'dropScope', scope: '1#0' }])
    expect(e.run('one', 2)).toMatchObject({ iteration: 2, scope: '1#2', status: 'pending' })
    for (const iteration of [1, 2]) {
      e.step('one', ok(), undefined, iteration)
      expect(e.exec.status).toBe('running')
      const last = e.step('two', ok(), undefined, iteration)
      if (iteration === 2) expect(effectsOf(last, 'collect')).toEqual([{ type: 'collect', runId: 1 }])
    }
    expect(e.run('each').status).toBe('completed')
    expect(e.exec.status).toBe('completed')
  })

  it('gives runs nested in a container inside an iteration the iteration and scope of that iteration', () => {
    const e = engine({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1]',
          tasks: [{ id: 'check', type: 'if', condition: 'true', then: [log('deep')] }],
        },
      ],
    })
    e.send({ type: 'start', position: 0 })
    e.step('each', { kind: 'iterate', items: [1], concurrency: 1 })
    e.step('check', { kind: 'lanes', run: ['then'], skip: [] })
    expect(e.run('deep')).toMatchObject({ iteration: 0, scope: '1#0', parentId: e.run('check').id, lane: 'then' })
  })

  it('kills the other running iterations when one fails and fails the execution', () => {
    const e = engine(foreach)
    e.send({ type: 'start', position: 0 })
    e.step('each', { kind: 'iterate', items: ['a', 'b', 'c'], concurrency: 2 })
    e.attempt('one')
    e.step('one', failed(), undefined, 0)
    expect(e.run('one', 1).status).toBe('killed')
    expect(e.run('each').status).toBe('failed')
    expect(e.exec).toMatchObject({ status: 'failed', error: { taskId: 'one', type: 'http_error' } })
    expect(() => e.run('one', 2)).toThrow()
  })

  it('completes at once with an empty output when there are no items', () => {
    const e = engine(foreach)
    e.send({ type: 'start', position: 0 })
    e.step('each', { kind: 'iterate', items: [], concurrency: 2 })
    expect(e.run('each')).toMatchObject({ status: 'completed', output: [] })
    expect(e.exec.status).toBe('completed')
  })
})

describe('waiting', () => {
  const waitFlow = (extra: object = {}) => ({
    tasks: [{ id: 'approval', type: 'wait', event: 'approved', timeout: '1h', ...extra }],
  })

  it('waits for the event and completes with its payload', () => {
    const e = engine(waitFlow())
    e.send({ type: 'start', position: 0 })
    const decision = e.step('approval', { kind: 'wait', event: 'approved', onTimeout: 'fail' }, T0)
    expect(timers(decision)).toEqual([{ type: 'timer', timer: { kind: 'timeout', runId: 1 }, at: T0 + 3_600_000 }])
    expect(e.run('approval')).toMatchObject({ status: 'waiting', wait: { event: 'approved', onTimeout: 'fail' } })
    expect(e.exec.status).toBe('waiting')
    expect(effectsOf(decision, 'awaitEvent')).toEqual([{ type: 'awaitEvent', runId: 1, event: 'approved' }])
    e.send({ type: 'event', runId: 1, payload: { by: 'ada' } })
    expect(e.run('approval')).toMatchObject({ status: 'completed', output: { by: 'ada' } })
    expect(e.exec.status).toBe('completed')
  })

  it('continues with {timedOut: true} when the wait times out with onTimeout continue', () => {
    const e = engine(waitFlow({ onTimeout: 'continue' }))
    e.send({ type: 'start', position: 0 })
    e.step('approval', { kind: 'wait', event: 'approved', onTimeout: 'continue' })
    e.timer({ kind: 'timeout', runId: 1 }, T0 + 3_600_000)
    expect(e.run('approval')).toMatchObject({ status: 'completed', output: { timedOut: true } })
    expect(e.exec.status).toBe('completed')
  })

  it('fails with a timeout error when the wait times out with onTimeout fail', () => {
    const e = engine(waitFlow())
    e.send({ type: 'start', position: 0 })
    e.step('approval', { kind: 'wait', event: 'approved', onTimeout: 'fail' })
    e.timer({ kind: 'timeout', runId: 1 }, T0 + 3_600_000)
    expect(e.exec).toMatchObject({ status: 'failed', error: { taskId: 'approval', type: 'timeout' } })
  })

  it('completes a subflow task with the output of its finished child', () => {
    const e = engine({ tasks: [{ id: 'child', type: 'subflow', flowId: 'other' }] })
    e.send({ type: 'start', position: 0 })
    e.step('child', { kind: 'child', executionId: 'c1', wait: true, status: 'running', output: null })
    expect(e.run('child')).toMatchObject({ status: 'waiting', childExecutionId: 'c1' })
    const output = { status: 200, body: { ok: true }, headers: {} }
    e.send({ type: 'child', runId: 1, executionId: 'c1', status: 'completed', output, error: null })
    expect(e.run('child')).toMatchObject({ status: 'completed', output })
  })

  it('fails a subflow task with subflow_failed when its child fails', () => {
    const e = engine({ tasks: [{ id: 'child', type: 'subflow', flowId: 'other' }] })
    e.send({ type: 'start', position: 0 })
    e.step('child', { kind: 'child', executionId: 'c1', wait: true, status: 'running', output: null })
    e.send({ type: 'child', runId: 1, executionId: 'c1', status: 'failed', output: null, error: null })
    expect(e.exec).toMatchObject({ status: 'failed', error: { taskId: 'child', type: 'subflow_failed' } })
  })
})

describe('kill', () => {
  it('goes through killing, kills the runs (aborting running ones), then ends killed', () => {
    const e = engine({ tasks: [{ id: 'par', type: 'parallel', branches: [[http('a')], [http('b')]] }] })
    e.send({ type: 'start', position: 0 })
    e.step('par', { kind: 'lanes', run: ['0', '1'], skip: [] })
    e.attempt('a')
    const killing = e.send({ type: 'kill' }, T0 + 100)
    expect(e.exec.status).toBe('killing')
    expect(['par', 'a', 'b'].map((id) => e.run(id).status)).toEqual(['killed', 'killed', 'killed'])
    expect(e.run('a').attempts).toMatchObject([{ status: 'killed', endedAt: T0 + 100 }])
    expect(effectsOf(killing, 'abort').map((a) => a.runId)).toEqual([e.run('a').id])
    expect(e.active()).toEqual([])

    const killed = e.send({ type: 'childrenStopped' }, T0 + 150)
    expect(e.exec).toMatchObject({ status: 'killed', endedAt: T0 + 150, error: null, output: { status: 500 } })
    expect(effectsOf(killed, 'finished')).toHaveLength(1)
  })

  it('refuses to kill an execution that is final or already being killed', () => {
    const done = engine({ tasks: [log('a')] })
    done.send({ type: 'start', position: 0 })
    done.step('a', ok())
    expect(() => done.send({ type: 'kill' })).toThrow(Refused)

    const killing = engine({ tasks: [log('a')] })
    killing.send({ type: 'start', position: 0 })
    killing.send({ type: 'kill' })
    expect(() => killing.send({ type: 'kill' })).toThrow(Refused)
  })

  it('ends a crash during a kill as killed, the only way out of killing', () => {
    const e = engine({ tasks: [http('a')] })
    e.send({ type: 'start', position: 0 })
    e.send({ type: 'kill' })
    e.send({ type: 'crashed', message: 'storage failed' })
    expect(e.exec.status).toBe('killed')
  })
})

describe('pause and resume', () => {
  it('pauses a running execution, lets in-flight work finish, and resumes it', () => {
    const e = engine({ tasks: [http('a'), log('b')] })
    e.send({ type: 'start', position: 0 })
    e.attempt('a')
    e.send({ type: 'pause' })
    expect(e.exec).toMatchObject({ status: 'paused', paused: true })
    e.result('a', ok())
    expect(e.run('b').status).toBe('pending')
    expect(e.exec.status).toBe('paused')
    e.send({ type: 'resume' })
    expect(e.exec).toMatchObject({ status: 'running', paused: false })
  })

  it('pauses during a delay at once and resumes to what is left of it', () => {
    const e = engine({ tasks: [{ id: 'd', type: 'delay', duration: '10s' }, log('b')] })
    e.send({ type: 'start', position: 0 })
    e.step('d', { kind: 'sleep', until: T0 + 10_000 }, T0)
    e.send({ type: 'pause' }, T0 + 1000)
    expect(e.exec).toMatchObject({ status: 'paused', wakeAt: null })
    e.send({ type: 'resume' }, T0 + 2000)
    expect(e.exec).toMatchObject({ status: 'delayed', wakeAt: T0 + 10_000 })
  })

  it('refuses to pause a final execution and to resume one that is not paused', () => {
    const e = engine({ tasks: [log('a')] })
    e.send({ type: 'start', position: 0 })
    expect(() => e.send({ type: 'resume' })).toThrow(Refused)
    e.step('a', ok())
    expect(() => e.send({ type: 'pause' })).toThrow(Refused)
  })

  it('starts an execution that was paused and resumed before it started', () => {
    const e = engine({ tasks: [log('a')] })
    e.send({ type: 'pause' })
    expect(e.exec.status).toBe('paused')
    e.send({ type: 'resume' })
    expect(e.exec.status).toBe('pending')
    e.send({ type: 'start', position: 0 })
    expect(e.exec).toMatchObject({ status: 'running', startedAt: T0 })
    expect(e.run('a').status).toBe('pending')
  })
})

describe('execution-level events', () => {
  it('fails the execution with type timeout when the execution timer fires', () => {
    const e = engine({ timeout: '1m', tasks: [http('a')] })
    e.send({ type: 'start', position: 0 })
    e.attempt('a')
    const decision = e.timer({ kind: 'execution' }, T0 + 60_000)
    expect(e.exec).toMatchObject({
      status: 'failed',
      error: { type: 'timeout', taskId: null, taskRunId: null, attempt: null },
    })
    expect(e.run('a').status).toBe('killed')
    expect(effectsOf(decision, 'abort')).toHaveLength(1)
    expect(e.exec.output?.status).toBe(500)
  })

  it('ignores the execution timer once the execution is final', () => {
    const e = engine({ timeout: '1m', tasks: [log('a')] })
    e.send({ type: 'start', position: 0 })
    e.step('a', ok())
    const late = e.timer({ kind: 'execution' }, T0 + 60_000)
    expect(late.execChanged).toBe(false)
    expect(e.exec.status).toBe('completed')
  })

  it('fails the execution as internal when the shell crashes', () => {
    const e = engine({ tasks: [http('a')] })
    e.send({ type: 'start', position: 0 })
    e.send({ type: 'crashed', message: 'disk full' })
    expect(e.exec).toMatchObject({ status: 'failed', error: { type: 'internal', message: 'disk full' } })
  })

  it('increases the version on every status change', () => {
    const e = engine({
      tasks: [
        { id: 'd', type: 'delay', duration: '1s' },
        { id: 'w', type: 'wait', event: 'go' },
      ],
    })
    const versions = [e.exec.version]
    const statuses = [e.exec.status]
    const record = () => {
      versions.push(e.exec.version)
      statuses.push(e.exec.status)
    }
    e.send({ type: 'start', position: 0 })
    record()
    e.step('d', { kind: 'sleep', until: T0 + 1000 })
    record()
    e.send({ type: 'pause' })
    record()
    e.send({ type: 'resume' })
    record()
    e.timer({ kind: 'wake', runId: 1 }, T0 + 1000)
    record()
    e.step('w', { kind: 'wait', event: 'go', onTimeout: 'fail' })
    record()
    e.send({ type: 'event', runId: 2, payload: null })
    record()
    expect(statuses).toEqual(['pending', 'running', 'delayed', 'paused', 'delayed', 'running', 'waiting', 'completed'])
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!)
  })
})
