import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ExecutionObject } from '../../src/objects/execution-object'
import { MAX_UNFINISHED_WAKES } from '../../src/runtime/wake-ledger'
import { finished, waitFor } from '../helpers/api'
import { start, stubOf, unfinishedWakes } from '../helpers/engine'
import { ExecutionStore } from '../../src/store/execution/store'

const napThenSet = {
  tasks: [
    { id: 'nap', type: 'delay', duration: '1h' },
    { id: 'after', type: 'set', values: { a: 1 } },
  ],
}

/** Marks `count` wakes of the execution as begun and never finished, as a dying isolate leaves them. */
const leaveUnfinished = (executionId: string, count: number) =>
  runInDurableObject(stubOf(executionId), (_, state) => new ExecutionStore(state.storage).setUnfinishedWakes(count))

const runAlarm = (executionId: string) =>
  runInDurableObject(stubOf(executionId), async (object, state) => {
    await state.storage.setAlarm(Date.now())
    await (object as ExecutionObject).alarm()
    return unfinishedWakes(state.storage)
  })

describe('poison executions', () => {
  it('write each wake down before it runs and cross it out when it returns', async () => {
    const { executionId } = await start(napThenSet)
    await waitFor(executionId, (e) => e.status === 'delayed')
    const marks = await runInDurableObject(stubOf(executionId), async (object, state) => {
      const wake = (object as ExecutionObject).alarm()
      const during = unfinishedWakes(state.storage)
      await wake
      return { during, after: unfinishedWakes(state.storage) }
    })
    expect(marks).toEqual({ during: 1, after: 0 })
  })

  it('keep running an execution whose wakes died fewer times than the limit', async () => {
    const { executionId } = await start({ tasks: [{ id: 'nap', type: 'delay', duration: '200ms' }] })
    await waitFor(executionId, (e) => e.status === 'delayed')
    await leaveUnfinished(executionId, MAX_UNFINISHED_WAKES - 1)
    expect((await waitFor(executionId, finished)).status).toBe('completed')
  })

  it('fail an execution after a few wakes in a row that never finished, with an internal error', async () => {
    const { executionId } = await start(napThenSet)
    await waitFor(executionId, (e) => e.status === 'delayed')
    await leaveUnfinished(executionId, MAX_UNFINISHED_WAKES)
    expect(await runAlarm(executionId)).toBe(0)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ type: 'internal', taskId: null })
    expect(done.error.message).toContain(`woken ${MAX_UNFINISHED_WAKES} times in a row without finishing`)
  })
})
