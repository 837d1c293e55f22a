import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { idempotentExecutionId } from '../../src/domain/ids'
import { call, finished, putFlow, uniqueId, waitFor } from '../helpers/api'
import { crash, stubOf, unfinishedWakes } from '../helpers/engine'
import { ExecutionStore } from '../../src/store/execution/store'

/**
 * A sync flow whose first slice is still running when the test looks: an endless recursion under
 * the largest steps budget evaluates for seconds, giving the event loop a turn now and then.
 */
const busy = {
  mode: 'sync',
  syncTimeout: '20s',
  expressionBudget: { steps: 1_000_000 },
  tasks: [{ id: 'spin', type: 'set', values: { v: '{{ ($f := function($x){ $f($x) }; $f(1)) }}' } }],
}

/** What the object has on disk and in its alarm, read from inside it. */
const durable = (executionId: string) =>
  runInDurableObject(stubOf(executionId), (_, state) => ({
    mark: unfinishedWakes(state.storage),
    rows: new ExecutionStore(state.storage).execution() ? 1 : 0,
  }))

describe('the first slice of a sync execution', () => {
  it('runs written down in the wake ledger, so a crash in it loses nothing', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, busy)
    // the caller of a request whose object dies gets an error: what it got is kept to look at
    const answer = call('POST', `/hooks/${flowId}`, {}, { 'idempotency-key': flowId }).then(
      (response) => `status ${response.status}`,
      (error: unknown) => String(error),
    )
    // the key names the execution: its id is known before the answer
    const executionId = await idempotentExecutionId(flowId, flowId)
    const mark = () => runInDurableObject(stubOf(executionId), (_, state) => unfinishedWakes(state.storage))
    await vi.waitUntil(async () => (await mark()) === 1, { timeout: 10_000, interval: 50 })
    const during = await durable(executionId)
    expect(during).toMatchObject({ mark: 1, rows: 1 })

    // the isolate dies in the slice: the execution is still there, woken again, and it ends
    await crash(executionId)
    expect(await answer).toMatch(/Network connection lost|crash|status 5/)
    const done = await waitFor(executionId, finished, 30_000)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ type: 'expression_error', taskId: 'spin' })
  })
})
