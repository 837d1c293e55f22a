import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { LAYOUT_VERSION } from '../../../src/store/execution/layout'
import { KEY } from '../../../src/store/execution/schema'
import { ExecutionStore, UnknownLayout } from '../../../src/store/execution/store'
import { call, putFlow, uniqueId } from '../../helpers/api'
import { stubOf, tablesOf } from '../../helpers/engine'

/** Runs `work` in a new, empty execution object. */
const inNewObject = <T>(work: (storage: DurableObjectStorage) => T | Promise<T>) =>
  runInDurableObject(env.EXECUTIONS.get(env.EXECUTIONS.newUniqueId()), (_, state) => work(state.storage))

const set = (index: number) => ({
  id: `s${index}`,
  type: 'set',
  values: { n: `{{ $exists(vars.n) ? vars.n + ${index} : input.body.n }}`, step: `step${index}` },
})

/** The bench's 10-task sync flow (bench/scenarios.ts, `ten`). */
const TEN = {
  mode: 'sync',
  tasks: [...Array.from({ length: 9 }, (_, index) => set(index)), { id: 'answer', type: 'return', body: '{{ vars }}' }],
}

describe('the storage layout of a new execution object', () => {
  it('is two tables, its version a row of the keyed one', async () => {
    await inNewObject(async (storage) => {
      await new ExecutionStore(storage).ensureSchema()
      expect(tablesOf(storage)).toEqual(['execution', 'task_runs'])
      const version = storage.sql.exec('SELECT value FROM execution WHERE key = ?', KEY.layout).one().value
      expect(JSON.parse(String(version))).toBe(LAYOUT_VERSION)
    })
  })

  it('creates the tables of kept events and items at their first write, and reads them empty before', async () => {
    await inNewObject(async (storage) => {
      const store = new ExecutionStore(storage)
      await store.ensureSchema()
      expect([store.countLogs(), store.countKeptEvents(), store.takeEvent('go'), store.items(1)]).toEqual([
        0,
        0,
        undefined,
        [],
      ])
      expect(store.logs({ afterId: 0, limit: 10 })).toEqual([])
      store.appendLogs([{ at: 1, level: 'info', taskId: null, taskRunId: null, message: 'hi', attempt: null }])
      store.keepEvent('go', { ok: true }, 2)
      store.saveItems(1, ['a'])
      expect(tablesOf(storage)).toEqual(['events', 'execution', 'items', 'task_runs'])
      expect([store.countLogs(), store.takeEvent('go')?.payload, store.items(1)]).toEqual([1, { ok: true }, ['a']])
    })
  })

  it('refuses a layout newer than the code knows', async () => {
    await inNewObject(async (storage) => {
      const store = new ExecutionStore(storage)
      await store.ensureSchema()
      storage.sql.exec('UPDATE execution SET value = ? WHERE key = ?', String(LAYOUT_VERSION + 1), KEY.layout)
      await expect(store.open()).rejects.toBeInstanceOf(UnknownLayout)
    })
  })

  it('bills four pages for a 10-task sync execution: page 1, the alarm, the keyed table and the task runs', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, TEN)
    const response = await call('POST', `/hooks/${flowId}`, { n: 1 })
    expect(await response.json()).toEqual({ n: 37, step: 'step8' })
    const executionId = response.headers.get('x-execution-id')!
    const stored = await runInDurableObject(stubOf(executionId), (_, state) => ({
      tables: tablesOf(state.storage),
      bytes: state.storage.sql.databaseSize,
    }))
    expect(stored).toEqual({ tables: ['execution', 'task_runs'], bytes: 4 * 4096 })
  })
})
