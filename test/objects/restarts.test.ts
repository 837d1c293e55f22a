import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ExecutionObject } from '../../src/objects/execution-object'
import { execution, finished, target, uniqueId, waitFor } from '../helpers/api'
import { callsTo, cleanupAt, crash, endDelay, hangingOnce, start, stubOf } from '../helpers/engine'

describe('after a reset', () => {
  it('a task run whose completion was persisted never runs again', async () => {
    const key = uniqueId('once')
    const { executionId } = await start({
      tasks: [
        { id: 'call', type: 'http', url: target(`/count?key=${key}`) },
        { id: 'nap', type: 'delay', duration: '300ms' },
        { id: 'after', type: 'set', values: { done: true } },
      ],
    })
    await waitFor(executionId, (e) => e.status === 'delayed')
    await crash(executionId)
    expect(await runInDurableObject(stubOf(executionId), (_, state) => state.storage.getAlarm())).not.toBeNull()
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    expect(done.taskRuns.map((run: { taskId: string }) => run.taskId)).toEqual(['call', 'nap', 'after'])
    expect(await callsTo(key)).toBe(1)
  })

  it('an attempt that was in flight is recorded as interrupted and retried under the policy', async () => {
    const key = uniqueId('inflight')
    const { executionId } = await start({
      tasks: [hangingOnce(key)],
    })
    await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'running')
    await crash(executionId)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    const [interrupted, retried] = done.taskRuns[0].attempts
    expect(interrupted).toMatchObject({ number: 1, status: 'failed', error: { type: 'internal' } })
    expect(interrupted.error.message).toContain('interrupted')
    expect(retried).toMatchObject({ number: 2, status: 'completed' })
    expect(await callsTo(key)).toBe(2)
  })

  it('an interrupted attempt without retries left fails the execution with type internal', async () => {
    const key = uniqueId('inflight')
    const { executionId } = await start({
      tasks: [{ id: 'call', type: 'http', url: target(`/hang-once?key=${key}`), timeout: '1m' }],
    })
    await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'running')
    await crash(executionId)
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ taskId: 'call', type: 'internal', attempt: 1 })
  })

  it('a back-off continues where it was', async () => {
    const key = uniqueId('backoff')
    const { executionId } = await start({
      tasks: [
        {
          id: 'call',
          type: 'http',
          url: target(`/flaky?key=${key}&fail=1`),
          retry: { maxAttempts: 2, delay: '300ms' },
        },
      ],
    })
    await waitFor(executionId, (e) => e.status === 'delayed')
    await crash(executionId)
    const done = await waitFor(executionId, finished)
    expect(done.taskRuns[0].attempts.map((a: { status: string }) => a.status)).toEqual(['failed', 'completed'])
    expect(await callsTo(key)).toBe(2)
  })

  it('an eviction between tasks loses nothing', async () => {
    const { executionId } = await start({
      tasks: [
        { id: 'first', type: 'set', values: { a: 1 } },
        { id: 'nap', type: 'delay', duration: '200ms' },
        { id: 'second', type: 'set', values: { b: '{{ vars.a + 1 }}' } },
      ],
    })
    await waitFor(executionId, (e) => e.status === 'delayed')
    await evictDurableObject(stubOf(executionId))
    const done = await waitFor(executionId, finished)
    expect(done.vars).toEqual({ a: 1, b: 2 })
  })
})

describe('alarms', () => {
  it('an early, duplicate or late alarm changes nothing', async () => {
    const { executionId } = await start({
      tasks: [
        // an hour: two early alarms and a read end before it however busy the machine; the test ends it
        { id: 'nap', type: 'delay', duration: '1h' },
        { id: 'after', type: 'set', values: { n: 1 } },
      ],
    })
    const delayed = await waitFor(executionId, (e) => e.status === 'delayed')
    const fire = () =>
      runInDurableObject(stubOf(executionId) as DurableObjectStub<ExecutionObject>, (object) => object.alarm?.())
    await fire()
    await fire()
    const still = await execution(executionId)
    expect(still).toMatchObject({ status: 'delayed', wakeAt: delayed.wakeAt })
    expect(await runInDurableObject(stubOf(executionId), (_, state) => state.storage.getAlarm())).toBe(
      Date.parse(delayed.wakeAt),
    )
    await endDelay(executionId, delayed.taskRuns[0].id)
    const done = await waitFor(executionId, finished)
    await fire()
    await fire()
    const after = await execution(executionId)
    expect(after.taskRuns).toEqual(done.taskRuns)
    expect(after.status).toBe('completed')
    expect(await runInDurableObject(stubOf(executionId), (_, state) => state.storage.getAlarm())).toBe(cleanupAt(done))
  })
})
