import { describe, expect, it } from 'vitest'
import { decide, type EngineEvent, Refused } from '../../src/core/machine'
import { canTransitionExecution } from '../../src/core/transitions'
import { compileFlow } from '../../src/flow/compile'
import { FlowDefinition } from '../../src/flow/schema'
import { invalidInput } from '../../src/flow/input-schema'
import { initialState, T0 } from '../helpers/core'

const flow = compileFlow(
  'flow_1',
  1,
  FlowDefinition.parse({ timeout: '1m', concurrency: { limit: 1 }, tasks: [{ id: 'a', type: 'log', message: 'a' }] }),
)

/** Applies events in order, checking every move against the transition table. */
function run(events: EngineEvent[], state = initialState(flow), now = T0) {
  let decision = { state, effects: [] as unknown[] }
  for (const event of events) {
    const before = decision.state.exec.status
    decision = decide(decision.state, event, flow, now)
    expect(
      canTransitionExecution(before, decision.state.exec.status),
      `${before} → ${decision.state.exec.status}`,
    ).toBe(true)
  }
  return decision
}

describe('queued executions', () => {
  it('wait as queued, with a log line, and neither start nor arm their timeout', () => {
    const decision = run([{ type: 'queued', ahead: 3, limit: 1 }])
    expect(decision.state.exec).toMatchObject({ status: 'queued', startedAt: null, version: 2 })
    expect(decision.state.runs.size).toBe(0)
    expect(decision.effects).toEqual([
      expect.objectContaining({
        type: 'log',
        message: 'execution queued: concurrency limit 1 reached, 3 ahead in the queue',
      }),
    ])
  })

  it('start when admitted: running, timeout armed, first task pending', () => {
    const decision = run([
      { type: 'queued', ahead: 0, limit: 1 },
      { type: 'start', position: 0 },
    ])
    expect(decision.state.exec).toMatchObject({ status: 'running', startedAt: T0 })
    expect(decision.effects).toContainEqual({ type: 'timer', timer: { kind: 'execution' }, at: T0 + 60_000 })
  })

  it('are killed through killing, and cannot be paused or resumed', () => {
    const queued = run([{ type: 'queued', ahead: 0, limit: 1 }]).state
    expect(() => decide(queued, { type: 'pause' }, flow, T0)).toThrow(Refused)
    expect(() => decide(queued, { type: 'resume' }, flow, T0)).toThrow(Refused)
    const killed = run([{ type: 'kill' }, { type: 'childrenStopped' }], queued)
    expect(killed.state.exec.status).toBe('killed')
    expect(killed.effects).toContainEqual({ type: 'finished' })
  })

  it('are only entered from pending: a late answer of the coordinator changes nothing', () => {
    const started = run([{ type: 'start', position: 0 }]).state
    expect(decide(started, { type: 'queued', ahead: 0, limit: 1 }, flow, T0).state.exec.status).toBe('running')
  })
})

describe('an input the schema refused', () => {
  it('fails the pending execution with validation_error and a 400 output carrying the issues', () => {
    const issues = [{ path: 'name', message: 'required' }]
    const decision = run([{ type: 'invalid', error: invalidInput(issues) }])
    expect(decision.state.exec).toMatchObject({
      status: 'failed',
      error: { type: 'validation_error', issues },
      output: { status: 400, body: { error: { code: 'invalid_input', issues } } },
    })
  })
})
