import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { timerKey } from '../../../src/store/execution/timer-keys'
import { ExecutionStore } from '../../../src/store/execution/store'
import { call, execution, finished, json, waitFor } from '../../helpers/api'
import { crash, endDelay, start, stubOf, tablesOf, unfinishedWakes } from '../../helpers/engine'
import { type LegacyContent, migratedUpTo, writeLegacy } from './legacy-object'

/** A flow that leaves something in every table: log lines, a foreach's items, a delay's timer, a kept event. */
const EVERYTHING = {
  labels: { team: 'ops' },
  tasks: [
    { id: 'say', type: 'log', message: 'hello {{ input.body.who }}' },
    {
      id: 'each',
      type: 'foreach',
      items: '[1, 2, 3]',
      tasks: [{ id: 'double', type: 'set', values: { x: '{{ item * 2 }}' } }],
    },
    { id: 'nap', type: 'delay', duration: '1h' },
    { id: 'approval', type: 'wait', event: 'go' },
    { id: 'after', type: 'set', values: { by: '{{ outputs.approval.by }}' } },
  ],
}

/** What the API shows of an execution: its detail, its task runs and its log lines. */
const shown = async (executionId: string) => ({
  detail: await execution(executionId),
  runs: await json(call('GET', `/api/executions/${executionId}/task-runs`)),
  logs: await json(call('GET', `/api/executions/${executionId}/logs`)),
})

/** Everything the object holds, read by the current code (the content the old code would have written). */
const contentOf = (storage: DurableObjectStorage): Promise<LegacyContent> =>
  (async () => {
    const store = new ExecutionStore(storage)
    const rows = (table: string) =>
      storage.sql.exec<Record<string, SqlStorageValue>>(`SELECT * FROM ${table}`).toArray()
    return {
      row: store.execution()!,
      tables: {
        task_runs: rows('task_runs'),
        // the log lines as the old layout's table held them
        logs: store.logs({ afterId: 0, limit: 1_000 }).map((line) => ({
          id: line.id,
          at: line.at,
          level: line.level,
          task_id: line.taskId,
          task_run_id: line.taskRunId,
          message: line.message,
          attempt: line.attempt,
        })),
        events: rows('events'),
        items: rows('items'),
      },
      timers: Object.fromEntries(store.allTimers().map(({ timer, dueAt }) => [timerKey(timer), dueAt])),
      unfinishedWakes: 1,
      alarm: await storage.getAlarm(),
    }
  })()

describe('an object of the layout before the two tables', () => {
  it('is rewritten when it loads, losing nothing, and its execution goes on', async () => {
    const { executionId } = await start(EVERYTHING, { who: 'you' })
    await waitFor(executionId, (e) => e.status === 'delayed')
    expect((await call('POST', `/api/executions/${executionId}/events/go`, { by: 'ops' })).status).toBe(202)
    const before = await shown(executionId)

    // the same execution, as the code of the old layout stored it: its tables, the ledger in kv, the alarm
    const content = await runInDurableObject(stubOf(executionId), async (_, state) => {
      const found = await contentOf(state.storage)
      await state.storage.deleteAll()
      await writeLegacy(state.storage, found)
      expect(tablesOf(state.storage)).toEqual([
        '__drizzle_migrations',
        'events',
        'execution',
        'items',
        'logs',
        'source',
        'task_runs',
        'timers',
      ])
      return found
    })
    expect(content.tables.events).toHaveLength(1)
    expect(content.tables.items).toHaveLength(1)
    expect(Object.keys(content.timers)).toContain('wake:6')

    // loaded by this code: rewritten in the new layout, every row where it was
    await crash(executionId)
    expect(await shown(executionId)).toEqual(before)
    const after = await runInDurableObject(stubOf(executionId), async (_, state) => ({
      tables: tablesOf(state.storage),
      content: await contentOf(state.storage),
      wakes: unfinishedWakes(state.storage),
      kv: [...state.storage.kv.list()],
    }))
    expect(after).toEqual({
      tables: ['events', 'execution', 'items', 'task_runs'],
      content,
      wakes: 1,
      kv: [],
    })

    // and it goes on: the delay ends, the kept event is taken
    await endDelay(executionId, 6)
    const done = await waitFor(executionId, finished)
    expect(done).toMatchObject({ status: 'completed', vars: { x: 6, by: 'ops' }, labels: { team: 'ops' } })
  })

  it('of its first migration only is brought up to date by the migrator first, then rewritten', async () => {
    await runInDurableObject(env.EXECUTIONS.get(env.EXECUTIONS.newUniqueId()), async (_, state) => {
      await migratedUpTo(state.storage, 1)
      state.storage.sql.exec(
        `INSERT INTO execution (id, flow_id, revision, mode, trigger, status, vars, root, start_position, paused,
          next_run_id, version, indexed_version, created_at, depth, dropped_logs)
         VALUES ('old', 'f', 1, 'async', 'webhook', 'completed', '{"a":1}', '{}', 0, 0, 1, 3, 3, 1000, 0, 0)`,
      )
      state.storage.sql.exec(`INSERT INTO source (definition, input) VALUES ('{"tasks":[]}', '{"body":{}}')`)
      state.storage.sql.exec("INSERT INTO timers (key, due_at) VALUES ('cleanup', 5000)")
      state.storage.sql.exec("INSERT INTO logs (id, at, level, message) VALUES (1, 1000, 'info', 'started')")
      const store = new ExecutionStore(state.storage)
      await store.open()
      expect(tablesOf(state.storage)).toEqual(['execution', 'task_runs'])
      expect(store.execution()).toMatchObject({
        id: 'old',
        status: 'completed',
        vars: { a: 1 },
        paused: false,
        labels: {},
        reactionDepth: 0,
        slot: null,
        definition: { tasks: [] },
      })
      expect(store.allTimers()).toEqual([{ timer: { kind: 'cleanup' }, dueAt: 5000 }])
      expect(store.logs({ afterId: 0, limit: 10 })).toMatchObject([{ id: 1, message: 'started', attempt: null }])
      // opened again, it is the current layout: nothing changes
      await store.open()
      expect(tablesOf(state.storage)).toEqual(['execution', 'task_runs'])
    })
  })
})
