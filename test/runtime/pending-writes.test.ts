import { describe, expect, it } from 'vitest'
import type { RunState } from '../../src/core/state'
import { MAX_LOG_LINES, PendingWrites } from '../../src/runtime/pending-writes'
import type { ExecutionRow } from '../../src/store/execution/schema'
import type { ExecutionStore } from '../../src/store/execution/store'

/** A store that records what one flush wrote, and whether it was one transaction. */
function recordingStore() {
  const calls: string[] = []
  let inTransaction = false
  const note = (call: string) => calls.push(inTransaction ? call : `outside: ${call}`)
  const store = {
    transaction(write: () => void) {
      inTransaction = true
      write()
      inTransaction = false
      calls.push('commit')
    },
    saveRuns: (runs: RunState[]) => note(`runs ${runs.map((run) => run.id).join(',')}`),
    saveExecution: () => note('execution'),
    saveTimers: (timers: Record<string, number>) => note(`timers ${JSON.stringify(timers)}`),
    appendLogs: (lines: unknown[]) => note(`logs ${lines.length}`),
  }
  return { calls, store: store as unknown as ExecutionStore }
}

const run = (id: number) => ({ id }) as RunState
const row = {} as ExecutionRow
const line = { at: 0, level: 'info' as const, taskRunId: null, taskId: null, message: '.', attempt: null }

describe('pending writes', () => {
  it('write runs, the state row, every timer (when one changed) and log lines of a turn in one transaction, then nothing', () => {
    const { calls, store } = recordingStore()
    const writes = new PendingWrites([{ timer: { kind: 'execution' }, dueAt: 5 }], 0, 0)
    writes.run(run(1))
    writes.run(run(2))
    writes.run(run(1))
    writes.state = true
    writes.timer({ kind: 'wake', runId: 1 }, 10)
    writes.cancel({ kind: 'execution' })
    writes.log(line)
    writes.flush(store, row)
    expect(calls).toEqual(['runs 1,2', 'execution', 'timers {"wake:1":10}', 'logs 1', 'commit'])
    expect(writes.empty).toBe(true)
  })

  it('hand out due timers earliest first, once, and keep the others', () => {
    const writes = new PendingWrites([], 0, 0)
    writes.timer({ kind: 'retry', runId: 2 }, 30)
    writes.timer({ kind: 'wake', runId: 1 }, 20)
    writes.timer({ kind: 'execution' }, 99)
    expect(writes.due(50)).toEqual([
      { kind: 'wake', runId: 1 },
      { kind: 'retry', runId: 2 },
    ])
    expect(writes.due(50)).toEqual([])
    expect(writes.dueTimes()).toEqual([99])
    expect(writes.has({ kind: 'execution' })).toBe(true)
  })

  it('cancel only a timer that exists: cancelling an unknown one writes nothing', () => {
    const { calls, store } = recordingStore()
    const writes = new PendingWrites([], 0, 0)
    writes.cancel({ kind: 'timeout', runId: 4 })
    expect(writes.empty).toBe(true)
    writes.flush(store, row)
    expect(calls).toEqual(['runs ', 'logs 0', 'commit'])
  })

  it('count log lines past the bound instead of keeping them, and mark the state row changed', () => {
    const writes = new PendingWrites([], MAX_LOG_LINES - 1, 0)
    writes.log(line)
    writes.log(line)
    expect(writes.dropped).toBe(1)
    expect(writes.state).toBe(true)
  })
})
