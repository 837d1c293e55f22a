/** Helpers for tests of the pure core. */
import type { EngineState } from '../../src/core/state'
import type { CompiledFlow } from '../../src/flow/compile'

export const T0 = 1_700_000_000_000

/** A pending execution of `flow` as the object creates it, with no task run yet. */
export const initialState = (flow: CompiledFlow): EngineState => ({
  exec: {
    id: 'exec_1',
    flowId: flow.flowId,
    revision: flow.revision,
    mode: flow.mode,
    trigger: 'manual',
    status: 'pending',
    output: null,
    error: null,
    createdAt: T0,
    startedAt: null,
    endedAt: null,
    wakeAt: null,
    root: { lanes: {}, warned: false },
    paused: false,
    nextRunId: 1,
    version: 1,
  },
  runs: new Map(),
})
