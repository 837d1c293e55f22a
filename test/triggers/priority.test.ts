/**
 * Priority with ageing (docs/flows.md, Priority): the order in which a concurrency limit admits the
 * executions it queued — higher priority first, first in first out within one, aged by waiting.
 */
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { AGEING_MS } from '../../src/core/priority'
import { coordinatorOf, objectName } from '../../src/objects/coordinators'
import { call, flowRefusedPaths, json, putFlow, uniqueId, waitFor } from '../helpers/api'

const nap = [{ id: 'nap', type: 'delay', duration: '1h' }]

const coordinator = async (flowId: string) => coordinatorOf(env, await objectName(flowId, ''))
const queueOf = async (flowId: string) => (await (await coordinator(flowId)).view())?.queue

async function trigger(flowId: string, p: unknown): Promise<string> {
  const response = await call('POST', `/hooks/${flowId}`, { p })
  expect(response.status).toBe(202)
  return (await json(response)).executionId
}

describe('priority', () => {
  it('admits the queue by priority, aged by waiting, first in first out within one', async () => {
    const flowId = uniqueId('priority')
    await putFlow(flowId, { concurrency: { limit: 1 }, priority: '{{ input.body.p }}', tasks: nap })
    const holder = await trigger(flowId, 0)
    await waitFor(holder, (execution) => execution.status === 'delayed')
    const low = await trigger(flowId, 0)
    const high = await trigger(flowId, 5)
    const middle = await trigger(flowId, 1)
    const alsoMiddle = await trigger(flowId, 1)
    // not a number: 0
    const unreadable = await trigger(flowId, 'urgent')
    expect(await queueOf(flowId)).toEqual([high, middle, alsoMiddle, low, unreadable])

    // `low` has waited ten minutes (as if it had arrived then): ten levels, more than `high`'s five
    await runInDurableObject(await coordinator(flowId), (_, state) => {
      const earlier = 10 * AGEING_MS
      state.storage.sql.exec(
        'UPDATE queue SET since = since - ?, rank = rank - ? WHERE execution_id = ?',
        earlier,
        earlier,
        low,
      )
    })
    expect(await queueOf(flowId)).toEqual([low, high, middle, alsoMiddle, unreadable])

    // the holder ends: the head of the queue, and only it, gets the slot
    expect((await call('POST', `/api/executions/${holder}/kill`)).status).toBe(202)
    await waitFor(low, (execution) => execution.status === 'delayed')
    expect((await json(call('GET', `/api/executions/${high}`))).status).toBe('queued')
    expect(await queueOf(flowId)).toEqual([high, middle, alsoMiddle, unreadable])
    for (const id of [low, high, middle, alsoMiddle, unreadable]) await call('POST', `/api/executions/${id}/kill`)
  })

  it('ranks the queue a coordinator wrote before priorities existed as priority 0, by arrival', async () => {
    const stub = coordinatorOf(env, uniqueId('before_priorities'))
    const now = Date.now()
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec(`
        CREATE TABLE holders (execution_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, since INTEGER NOT NULL,
          admitted INTEGER NOT NULL, checked_at INTEGER NOT NULL);
        CREATE TABLE queue (seq INTEGER PRIMARY KEY, execution_id TEXT NOT NULL UNIQUE, since INTEGER NOT NULL);
        CREATE TABLE settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO settings VALUES ('limit', 1);
        INSERT INTO holders VALUES ('holder', 1, ${now}, 1, ${now});
        INSERT INTO queue (execution_id, since) VALUES ('first', ${now}), ('second', ${now});
      `)
    })
    expect(await stub.acquire('urgent', 1, 'queue', 1)).toEqual({ outcome: 'queued', ahead: 0 })
    expect((await stub.view())?.queue).toEqual(['urgent', 'first', 'second'])
    await stub.release('holder')
    expect((await stub.view())?.queue).toEqual(['first', 'second'])
  })

  it('is refused without a concurrency limit that queues, or as a constant', async () => {
    const tasks = nap
    expect(await flowRefusedPaths({ priority: '{{ input.body.p }}', tasks })).toEqual(['priority'])
    expect(
      await flowRefusedPaths({ concurrency: { limit: 1, onLimit: 'reject' }, priority: '{{ input.body.p }}', tasks }),
    ).toEqual(['priority'])
    expect(await flowRefusedPaths({ concurrency: { limit: 1 }, priority: '5', tasks })).toEqual(['priority'])
  })
})
