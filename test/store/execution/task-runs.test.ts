import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { asc } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { RunState } from '../../../src/core/state'
import { taskRuns } from '../../../src/store/execution/schema'
import { ExecutionStore, runFromRow } from '../../../src/store/execution/store'
import { taskRun } from '../../helpers/task-run'

const base = taskRun({
  id: 1,
  taskId: 'first',
  attempts: [{ number: 1, status: 'completed', startedAt: 1000, endedAt: 1002, input: { values: { i: 1 } } }],
  output: { i: 1 },
  metrics: [{ name: 'duration', type: 'duration', value: 2 }],
})

/** Runs of every shape a column can hold: nulls, JSON of each kind, text beyond ASCII, both booleans. */
const RUNS: RunState[] = [
  base,
  {
    ...base,
    id: 2,
    taskId: 'ünïcode "quoted" \\ task',
    status: 'waiting',
    parentId: 1,
    lane: 'errors',
    position: 3,
    iteration: 7,
    scope: '1#7',
    output: null,
    error: { type: 'timeout', message: 'late\nline ✓' },
    progress: { next: 2 } as unknown as RunState['progress'],
    wakeAt: 5000,
    childExecutionId: 'child-1',
    wait: { event: 'go', onTimeout: 'continue' },
    reused: true,
  },
  { ...base, id: 3, output: 'text', attempts: [], metrics: [] },
  { ...base, id: 4, output: [1, 2.5, false, null, { deep: ['x'] }] },
  { ...base, id: 5, output: 0 },
]

describe("an execution's task runs", () => {
  it('read back as they were written, and as drizzle reads them', async () => {
    await runInDurableObject(env.EXECUTIONS.get(env.EXECUTIONS.newUniqueId()), async (_, state) => {
      const store = new ExecutionStore(state.storage)
      await store.ensureSchema()
      store.saveRuns(RUNS)
      // an upsert: a run written again changes
      store.saveRuns([{ ...base, status: 'failed', output: { again: true } }])
      const written = [{ ...base, status: 'failed', output: { again: true } }, ...RUNS.slice(1)]
      const byDrizzle = store.db.select().from(taskRuns).orderBy(asc(taskRuns.id)).all().map(runFromRow)
      expect(store.runs(0, 100)).toEqual(written)
      expect(store.runs(0, 100)).toEqual(byDrizzle)
      expect(store.runs(2, 2).map((run) => run.id)).toEqual([3, 4])
    })
  })
})
