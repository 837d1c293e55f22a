/** The runs a runner keeps for its trace: the latest state of each, all of them or none. */
import { describe, expect, it } from 'vitest'
import { KEPT_RUNS, TracedRuns } from '../../src/runtime/traced-runs'
import type { RunState } from '../../src/core/state'

const run = (id: number, status: RunState['status'] = 'completed'): RunState =>
  ({ id, taskId: `t${id}`, status }) as RunState

describe('traced runs', () => {
  it('keep the latest state of every run written, handed over once', () => {
    const runs = new TracedRuns(true)
    runs.wrote(run(1, 'running'))
    runs.wrote(run(2))
    runs.wrote(run(1))
    expect(runs.take()).toEqual([run(1), run(2)])
    // the trace read them: a retry reads storage
    expect(runs.take()).toBeNull()
  })

  it('keep none when they are not all of the execution, or too many', () => {
    const loaded = new TracedRuns(false)
    loaded.wrote(run(1))
    expect(loaded.take()).toBeNull()
    const big = new TracedRuns(true)
    for (let id = 1; id <= KEPT_RUNS + 1; id += 1) big.wrote(run(id))
    big.wrote(run(1))
    expect(big.take()).toBeNull()
  })
})
