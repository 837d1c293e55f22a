import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { call, execution, finished, json, listed, putFlow, uniqueId, waitFor, watchIndexFailures } from '../helpers/api'
import { alarmOf, cleanupAt, crash, expireNow, putTimer, start, stubOf } from '../helpers/engine'

/** Everything the object's storage holds: its SQL tables, its key-value pairs and its alarm. */
const storageOf = (executionId: string) =>
  runInDurableObject(stubOf(executionId), async (_, state) => ({
    tables: state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((row) => row.name),
    keys: [...(await state.storage.list()).keys()],
    alarm: await state.storage.getAlarm(),
  }))

const EMPTY = { tables: [], keys: [], alarm: null }

const indexed = (executionId: string) =>
  env.DB.prepare('SELECT id FROM executions WHERE id = ?').bind(executionId).all()

/** Waits until the index queue has delivered the deletion of the execution. */
const unindexed = (executionId: string) =>
  vi.waitUntil(async () => (await indexed(executionId)).results.length === 0, { timeout: 5_000, interval: 20 })

/** Starts a one-task flow with this retention and waits for the execution to end and be listed. */
async function ended(retention?: string) {
  const { flowId, executionId } = await start({
    ...(retention === undefined ? {} : { retention }),
    tasks: [{ id: 'say', type: 'log', message: 'hi' }],
  })
  const done = await waitFor(executionId, finished)
  await listed(`flowId=${flowId}`, 1)
  return { flowId, executionId, done }
}

describe('retention', () => {
  it('arms the cleanup alarm of a final execution for its end plus the flow retention (30 days by default)', async () => {
    const kept = await ended()
    expect(await alarmOf(kept.executionId)).toBe(cleanupAt(kept.done))
    const short = await ended('1m')
    expect(await alarmOf(short.executionId)).toBe(cleanupAt(short.done, 60_000))
  })

  it('once over, deletes the D1 row and then the whole storage: GET, logs and the list find nothing', async () => {
    const { flowId, executionId } = await ended('1m')
    await expireNow(executionId)
    expect(await storageOf(executionId)).toEqual(EMPTY)
    await unindexed(executionId)
    expect((await call('GET', `/api/executions/${executionId}`)).status).toBe(404)
    expect((await call('GET', `/api/executions/${executionId}/logs`)).status).toBe(404)
    expect((await json(call('GET', `/api/executions?flowId=${flowId}`))).items).toEqual([])
  })

  it('leaves a deleted object empty: later requests answer 404 and write nothing', async () => {
    const { executionId } = await ended('1m')
    await expireNow(executionId)
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/task-runs'],
      ['POST', '/kill'],
      ['POST', '/pause'],
      ['POST', '/events/approved'],
      ['POST', '/replay'],
      ['DELETE', ''],
    ] as const) {
      const response = await call(method, `/api/executions/${executionId}${path}`, method === 'POST' ? {} : undefined)
      expect([method, path, response.status]).toEqual([method, path, 404])
    }
    // a child's late notice to a deleted parent is taken and dropped
    expect(
      await stubOf(executionId).childEnded(1, { executionId: 'c', status: 'completed', output: null, error: null }),
    ).toEqual({ accepted: true })
    await crash(executionId)
    expect(await runDurableObjectAlarm(stubOf(executionId))).toBe(false)
    expect(await storageOf(executionId)).toEqual(EMPTY)
  })

  it('hands its deletion to the index queue, which retries it until D1 takes it: the object is erased at once', async () => {
    const { executionId } = await ended('1m')
    const failures = watchIndexFailures()
    await env.DB.exec('ALTER TABLE executions RENAME TO executions_away')
    try {
      await expireNow(executionId)
      expect(await storageOf(executionId)).toEqual(EMPTY)
      // the consumer keeps failing meanwhile: retries, dead letters, and the deletion sent again
      await failures.wentRound()
    } finally {
      await env.DB.exec('ALTER TABLE executions_away RENAME TO executions')
    }
    await unindexed(executionId)
  })

  it('waits while a parent has not taken the result, then deletes the child', async () => {
    const childId = uniqueId('child')
    await putFlow(childId, { retention: '1m', tasks: [{ id: 'say', type: 'log', message: 'hi' }] })
    const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId }] })
    const parent = await waitFor(executionId, finished)
    const childExecutionId = parent.taskRuns[0].childExecutionId
    // as if the parent had not taken the notice yet: it is owed again when the retention ends
    await runInDurableObject(stubOf(childExecutionId), (_, state) =>
      putTimer(state.storage, { kind: 'notify' }, Date.now()),
    )
    await expireNow(childExecutionId)
    expect((await execution(childExecutionId)).status).toBe('completed')
    expect(await alarmOf(childExecutionId)).toBeGreaterThan(Date.now() + 50_000)
    await expireNow(childExecutionId)
    expect(await storageOf(childExecutionId)).toEqual(EMPTY)
    expect((await execution(executionId)).status).toBe('completed')
  })
})
