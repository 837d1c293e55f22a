/**
 * Queue triggers through the Worker's queue() handler (README, Queue triggers): batches made with
 * cloudflare:test for queues of the test's own name, and one message sent through the example
 * consumer's real queue.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import worker from '../../src/index'
import { queueMessageExecutionId } from '../../src/domain/ids'
import r2Uploads from '../../examples/r2_uploads.json'
import { call, finished, json, listed, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import { gatherDueNow, gathered } from '../helpers/gather'

/** A queue name of this test's own: flows of other tests consume none of its messages. */
const queueName = () => uniqueId('q').replaceAll('_', '-')

const message = (id: string, body: unknown, attempts = 1) => ({ id, timestamp: new Date(1_000), attempts, body })

/** Hands a batch to the Worker's queue() handler; resolves with what it acked and retried. */
async function deliver(queue: string, messages: ReturnType<typeof message>[]) {
  const batch = createMessageBatch(queue, messages)
  const ctx = createExecutionContext()
  await worker.queue(batch, env)
  const result = await getQueueResult(batch, ctx)
  return { acked: [...result.explicitAcks].sort(), retried: result.retryMessages, retryAll: result.retryBatch.retry }
}

const echo = (trigger: object, extra: object = {}) => ({
  triggers: [{ type: 'queue', ...trigger }],
  tasks: [{ id: 'echo', type: 'return', body: '{{ input.body }}' }],
  ...extra,
})

describe('queue triggers', () => {
  it('start one execution per message, under an id derived from it; a redelivery starts nothing twice', async () => {
    const queue = queueName()
    const flowId = uniqueId('consumer')
    await putFlow(flowId, echo({ queue }))
    const first = await deliver(queue, [message('m1', { order: 1 }), message('m2', { order: 2 })])
    expect(first).toEqual({ acked: ['m1', 'm2'], retried: [], retryAll: false })

    const id = await queueMessageExecutionId(flowId, queue, 'm1')
    const done = await waitFor(id, finished)
    expect(done).toMatchObject({ status: 'completed', trigger: 'queue', output: { body: { order: 1 } } })
    expect(done.input.metadata.trigger).toBe('queue')

    // m1 again, as a queue redelivers it: acked, and no new execution
    expect(await deliver(queue, [message('m1', { order: 1 }, 2)])).toMatchObject({ acked: ['m1'], retried: [] })
    const page = await listed(`flowId=${flowId}`, 2)
    expect(page.items.map((item: { id: string }) => item.id)).toContain(id)
  })

  it('start one execution per batch with `batch: true`, the messages in input.body.messages', async () => {
    const queue = queueName()
    const flowId = uniqueId('batcher')
    await putFlow(flowId, echo({ queue, batch: true }))
    expect(await deliver(queue, [message('a', 'first'), message('b', { n: 2 })])).toMatchObject({
      acked: ['a', 'b'],
      retried: [],
    })
    const page = await listed(`flowId=${flowId}`, 1)
    const done = await waitFor(page.items[0].id, finished)
    expect(done.output.body).toEqual({
      queue,
      messages: [
        { id: 'a', timestamp: '1970-01-01T00:00:01.000Z', attempts: 1, body: 'first' },
        { id: 'b', timestamp: '1970-01-01T00:00:01.000Z', attempts: 1, body: { n: 2 } },
      ],
    })
  })

  it('give R2 event notifications a typed body, and retry one that is not', async () => {
    const queue = queueName()
    const flowId = uniqueId('r2')
    await putFlow(flowId, echo({ queue, format: 'r2' }))
    const notification = {
      account: 'acc',
      action: 'PutObject',
      bucket: 'uploads',
      object: { key: 'invoices/1.pdf', size: 1024, eTag: 'c846ff7a' },
      eventTime: '2026-12-07T03:00:00.000Z',
    }
    const errors = vi.spyOn(console, 'error')
    const result = await deliver(queue, [
      message('put', notification),
      message('bad', { ...notification, object: { key: 'x', size: 'big' } }),
    ])
    expect(result.acked).toEqual(['put'])
    expect(result.retried).toEqual([{ msgId: 'bad' }])
    expect(errors.mock.calls.map(([line]) => String(line)).join('\n')).toMatch(
      /could not start from q-\w+: not an R2 event notification: .* \(at object\.size\)/,
    )
    errors.mockRestore()
    const done = await waitFor(await queueMessageExecutionId(flowId, queue, 'put'), finished)
    expect(done.output.body).toEqual({
      bucket: 'uploads',
      key: 'invoices/1.pdf',
      action: 'PutObject',
      size: 1024,
      etag: 'c846ff7a',
      eventTime: '2026-12-07T03:00:00.000Z',
      account: 'acc',
      copySource: null,
    })
  })

  it('retry a message no flow can start: none consumes the queue, the input is refused, the flow is disabled', async () => {
    const queue = queueName()
    expect(await deliver(queue, [message('orphan', {})])).toMatchObject({ acked: [], retryAll: true })

    const flowId = uniqueId('typed')
    await putFlow(
      flowId,
      echo({ queue }, { input: { type: 'object', required: ['order'], properties: { order: { type: 'integer' } } } }),
    )
    const result = await deliver(queue, [message('good', { order: 1 }), message('wrong', { order: 'one' })])
    expect(result.acked).toEqual(['good'])
    expect(result.retried).toEqual([{ msgId: 'wrong' }])
    // the refused input is on record: its execution failed with the path of the bad field
    const refused = await waitFor(await queueMessageExecutionId(flowId, queue, 'wrong'), finished)
    expect(refused.error).toMatchObject({ type: 'validation_error' })
    expect(JSON.stringify(refused.error.issues)).toContain('order')

    expect((await call('DELETE', `/api/flows/${flowId}`)).status).toBe(204)
    expect(await deliver(queue, [message('late', { order: 2 })])).toMatchObject({ acked: [], retryAll: true })
  })

  it('retry, after the time a slot is likely free, a message a concurrency limit rejects', async () => {
    const queue = queueName()
    const flowId = uniqueId('limited')
    await putFlow(flowId, {
      triggers: [{ type: 'queue', queue }],
      concurrency: { limit: 1, onLimit: 'reject' },
      tasks: [{ id: 'hold', type: 'wait', event: 'go' }],
    })
    const result = await deliver(queue, [message('one', {})])
    expect(result.acked).toEqual(['one'])
    const again = await deliver(queue, [message('two', {})])
    expect(again.acked).toEqual([])
    expect(again.retried).toHaveLength(1)
    expect(again.retried[0]).toMatchObject({ msgId: 'two' })
    await call('POST', `/api/executions/${await queueMessageExecutionId(flowId, queue, 'one')}/kill`)
  })

  it('retry, once the window has room, a message over the flow’s rate limit, creating nothing', async () => {
    const queue = queueName()
    const flowId = uniqueId('rated')
    await putFlow(flowId, echo({ queue }, { rateLimit: { limit: 1, period: '1h' } }))
    expect((await deliver(queue, [message('one', {})])).acked).toEqual(['one'])
    const again = await deliver(queue, [message('two', {})])
    expect(again.acked).toEqual([])
    expect(again.retried).toHaveLength(1)
    expect(again.retried[0]).toMatchObject({ msgId: 'two' })
    const refused = await call('GET', `/api/executions/${await queueMessageExecutionId(flowId, queue, 'two')}`)
    expect(refused.status).toBe(404)
  })

  it('gather messages into a flow’s debounce, once each however often delivered', async () => {
    const queue = queueName()
    const flowId = uniqueId('debounced')
    await putFlow(flowId, echo({ queue }, { debounce: { period: '1h' } }))
    expect((await deliver(queue, [message('d1', { v: 1 }), message('d2', { v: 2 })])).acked).toEqual(['d1', 'd2'])
    expect((await deliver(queue, [message('d1', { v: 1 }, 2)])).acked).toEqual(['d1'])
    const held = await gathered(flowId, 'debounce')
    expect(held?.windows).toHaveLength(1)
    expect(held?.windows[0]?.size).toBe(2)
    await gatherDueNow(flowId, 'debounce')
    const done = await waitFor(held?.windows[0]?.executionId ?? '', finished)
    expect(done).toMatchObject({ trigger: 'queue', output: { body: { v: 2 } } })
  })

  it('refuse a queue trigger on one of edgeflow’s own queues, or with a bad name, with the path', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      triggers: [
        { type: 'queue', queue: 'edgeflow-index' },
        { type: 'queue', queue: 'Not A Queue' },
      ],
      tasks: [{ id: 'a', type: 'log', message: 'x' }],
    })
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error.code).toBe('invalid_flow')
    expect(error.issues.map((issue: { path: string }) => issue.path)).toEqual(['triggers.0.queue', 'triggers.1.queue'])
    expect(error.issues[0].message).toContain("edgeflow's own queues")
  })

  it('start flows from a message sent to a queue the Worker consumes (wrangler.toml)', async () => {
    const flowId = uniqueId('events')
    await putFlow(flowId, echo({ queue: 'edgeflow-events' }))
    await env.EVENTS_QUEUE.send({ hello: flowId })
    const page = await listed(`flowId=${flowId}`, 1)
    const done = await waitFor(page.items[0].id, finished)
    expect(done).toMatchObject({ trigger: 'queue', output: { body: { hello: flowId } } })
  })

  it('run examples/r2_uploads.json for an R2 notification sent through the queue', async () => {
    const flowId = uniqueId('uploads')
    const etag = crypto.randomUUID()
    const local = JSON.parse(JSON.stringify(r2Uploads).replaceAll('http://127.0.0.1:9100', env.TARGET_URL))
    await putFlow(flowId, local)
    await env.EVENTS_QUEUE.send({
      account: 'acc',
      action: 'PutObject',
      bucket: 'uploads',
      object: { key: 'a.txt', size: 5, eTag: etag },
      eventTime: '2026-12-07T03:00:00Z',
    })
    const page = await listed(`flowId=${flowId}`, 1)
    expect(await waitFor(page.items[0].id, finished)).toMatchObject({ status: 'completed' })
    const captured = await json(fetch(target(`/captured/upload-${etag}`)))
    expect(captured.map((request: { body: string }) => JSON.parse(request.body))).toEqual([
      { object: 'uploads/a.txt', bytes: 5 },
    ])
  })
})
