import { describe, expect, it } from 'vitest'
import { handlerContext } from '../../src/core/handlers'
import { decide, type EngineEvent, type RunResult } from '../../src/core/machine'
import type { EngineState, RunState } from '../../src/core/state'
import { compileFlow } from '../../src/flow/compile'
import { FlowDefinition } from '../../src/flow/schema'
import { initialState, T0 } from '../helpers/core'

/** Runs inline tasks to their end: every pending run gets one attempt with the result `outcome` gives it. */
function drive(
  definition: unknown,
  outcome: (taskId: string) => RunResult,
  stopAt?: (run: RunState, state: EngineState) => boolean,
) {
  const flow = compileFlow('flow_1', 1, FlowDefinition.parse(definition))
  let state: EngineState = initialState(flow)
  const seen = new Map<number, RunState>()
  const send = (event: EngineEvent) => {
    const decision = decide(state, event, flow, T0)
    state = decision.state
    for (const run of decision.runs) seen.set(run.id, run)
  }
  send({ type: 'start', position: 0 })
  for (let pending = [...state.runs.values()].find((run) => run.status === 'pending'); pending;) {
    if (stopAt?.(pending, state)) break
    send({ type: 'attempt', runId: pending.id, input: {} })
    send({ type: 'result', runId: pending.id, attempt: 1, result: outcome(pending.taskId) })
    pending = [...state.runs.values()].find((run) => run.status === 'pending')
  }
  return { state: () => state, seen, send, flow }
}

const ok: RunResult = { kind: 'completed', output: { ok: true } }
const boom: RunResult = { kind: 'failed', error: { type: 'fail_task', message: 'boom' } }

describe('handlers in the core', () => {
  it('tell an errors task the failure, a finally task the status, a compensation its run', () => {
    const definition = {
      tasks: [
        { id: 'step', type: 'set', values: {}, compensate: [{ id: 'undo', type: 'log', message: 'x' }] },
        { id: 'bad', type: 'fail' },
      ],
      errors: [{ id: 'onErrors', type: 'log', message: 'x' }],
      finally: [{ id: 'last', type: 'log', message: 'x' }],
    }
    const contexts: Record<string, unknown> = {}
    const { state, seen } = drive(
      definition,
      (taskId) => (taskId === 'bad' ? boom : ok),
      (run, now) => {
        contexts[run.taskId] = handlerContext(run, (id) => now.runs.get(id), now.exec.root)
        return false
      },
    )
    const step = [...seen.values()].find((run) => run.taskId === 'step')
    const bad = [...seen.values()].find((run) => run.taskId === 'bad')
    const error = { taskId: 'bad', taskRunId: bad?.id, type: 'fail_task', message: 'boom', attempt: 1 }
    expect(contexts).toEqual({
      step: {},
      bad: {},
      onErrors: { error },
      undo: { compensating: { runId: step?.id, taskId: 'step' } },
      last: { scope: { status: 'failed' }, error },
    })
    expect(state().exec).toMatchObject({
      status: 'failed',
      error: { taskId: 'bad', compensation: { ran: 1, completed: 1, failed: 0 } },
    })
  })

  it('the flow timeout during errors fails the execution at once, the handler killed', () => {
    const { state, send } = drive(
      {
        timeout: '1m',
        tasks: [{ id: 'bad', type: 'fail' }],
        errors: [{ id: 'slow', type: 'log', message: 'x' }],
        finally: [{ id: 'last', type: 'log', message: 'x' }],
      },
      () => boom,
      (run) => run.taskId === 'slow',
    )
    send({ type: 'timer', timer: { kind: 'execution' } })
    expect(state().exec).toMatchObject({ status: 'failed', error: { type: 'timeout' } })
    expect(state().runs.size).toBe(0)
  })

  it('a container timeout during its errors fails it, and the failure climbs', () => {
    const { state, send, seen } = drive(
      {
        tasks: [
          {
            id: 'fan',
            type: 'parallel',
            timeout: '1s',
            branches: [[{ id: 'bad', type: 'fail' }]],
            errors: [{ id: 'slow', type: 'log', message: 'x' }],
          },
        ],
        finally: [{ id: 'last', type: 'log', message: 'x' }],
      },
      (taskId) => (taskId === 'fan' ? { kind: 'lanes', run: ['0'], skip: [] } : boom),
      (run) => run.taskId === 'slow',
    )
    const fan = [...seen.values()].find((run) => run.taskId === 'fan')
    send({ type: 'timer', timer: { kind: 'timeout', runId: fan?.id ?? 0 } })
    expect([...state().runs.values()].map((run) => run.taskId)).toEqual(['last'])
    expect(state().exec.root.ending).toMatchObject({ status: 'failed', phase: 'finally', error: { type: 'timeout' } })
  })
})
