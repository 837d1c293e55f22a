/** Helpers for tests that start executions and disturb their objects. */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { CLEANUP_TIMER, type Timer } from '../../src/core/timers'
import { DEFAULT_RETENTION_MS } from '../../src/flow/retention'
import { timerKey } from '../../src/store/execution/timer-keys'
import { executionStub } from '../../src/objects/stubs'
import { ExecutionStore } from '../../src/store/execution/store'
import { call, json, putFlow, uniqueId } from './api'

export const stubOf = (executionId: string) => executionStub(env, executionId)

/** Resets the object like a crash: memory gone, writes of the current turn dropped, storage kept. */
export async function crash(executionId: string): Promise<void> {
  await runInDurableObject(stubOf(executionId), (_, state) => state.abort('crash for a test')).catch(() => undefined)
}

export const alarmOf = (executionId: string) =>
  runInDurableObject(stubOf(executionId), (_, state) => state.storage.getAlarm())

/** Stores the flow under a fresh id and triggers it by webhook. */
export async function start(definition: object, body: unknown = {}) {
  const flowId = uniqueId()
  await putFlow(flowId, definition)
  const response = await call('POST', `/hooks/${flowId}`, body)
  return { flowId, response, executionId: response.headers.get('x-execution-id')! }
}

/** An http task whose first attempt hangs (a reset finds it in flight) and whose retry answers. */
export const hangingOnce = (key: string) => ({
  id: 'call',
  type: 'http',
  url: `${env.TARGET_URL}/hang-once?key=${key}`,
  timeout: '1m',
  retry: { maxAttempts: 2, delay: '50ms' },
})

export const callsTo = async (key: string): Promise<number> =>
  (await json(fetch(`${env.TARGET_URL}/calls/${key}`))).calls

/** The runs of an execution as [taskId, status] pairs, in start order. */
export const statuses = (detail: { taskRuns: { taskId: string; status: string }[] }) =>
  detail.taskRuns.map((run) => [run.taskId, run.status])

/** When a final execution's cleanup timer, its only alarm, deletes it: its end plus its retention. */
export const cleanupAt = (detail: { endedAt: string }, retentionMs = DEFAULT_RETENTION_MS) =>
  Date.parse(detail.endedAt) + retentionMs

/** Sets a timer in an object's storage, as a flush would (memory learns it when the object reloads). */
export function putTimer(storage: DurableObjectStorage, timer: Timer, at: number): void {
  const store = new ExecutionStore(storage)
  const timers = Object.fromEntries(store.allTimers().map((each) => [timerKey(each.timer), each.dueAt]))
  store.saveTimers({ ...timers, [timerKey(timer)]: at })
}

/** The wake ledger's count of an object (runtime/wake-ledger.ts); 0 before its storage exists. */
export function unfinishedWakes(storage: DurableObjectStorage): number {
  const store = new ExecutionStore(storage)
  return store.exists() ? store.unfinishedWakes() : 0
}

/** Makes a timer due as if its time had passed, restarts the object so it reads it, and runs the alarm. */
export async function dueNow(executionId: string, timer: Timer): Promise<void> {
  await runInDurableObject(stubOf(executionId), (_, state) => putTimer(state.storage, timer, Date.now()))
  await crash(executionId)
  await runDurableObjectAlarm(stubOf(executionId))
}

/** Ends a `delay` task run's wait now, as if its time had passed (the alarm rings). */
export const endDelay = (executionId: string, runId: number) => dueNow(executionId, { kind: 'wake', runId })

/** Makes the cleanup timer due as if the retention were over (the object deletes the execution). */
export const expireNow = (executionId: string) => dueNow(executionId, CLEANUP_TIMER)

/** Everything an execution's object stores, as text: every row of every table, and its key-value pairs. */
export const storedText = (executionId: string): Promise<string> =>
  runInDurableObject(stubOf(executionId), (_, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map(({ name }) => name)
    const rows = tables.map((name) => {
      try {
        return [name, state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()]
      } catch (error) {
        // the platform's own tables cannot be read from the object
        return [name, String(error)]
      }
    })
    return JSON.stringify({ tables: rows, kv: [...state.storage.kv.list()] })
  })

/** Every row of every table of the D1 index, as text. */
export async function indexText(): Promise<string> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%'",
  ).all<{ name: string }>()
  const rows = await Promise.all(
    results.map(async ({ name }) => [name, (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results]),
  )
  return JSON.stringify(rows)
}

/** The tables of an object, the platform's own (`_cf_…`) aside. */
export const tablesOf = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
    )
    .toArray()
    .map((row) => row.name)
