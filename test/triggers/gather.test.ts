/**
 * Debounce and batching (docs/flows.md, Debounce and batching): triggers gathered by the gatherer
 * object of their flow and key, then started as one execution.
 */
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createClient } from '../../src/client/index'
import { BASE, call, finished, flowRefusedPaths, json, putFlow, uniqueId, waitFor } from '../helpers/api'
import { gatherDueNow, gathered } from '../helpers/gather'

const noop = [{ id: 'seen', type: 'log', message: '{{ $string(input.body) }}' }]

async function flowWith(extra: object): Promise<string> {
  const flowId = uniqueId('gather')
  await putFlow(flowId, { ...extra, tasks: noop })
  return flowId
}

const hook = async (flowId: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await call('POST', `/hooks/${flowId}`, body, headers)
  expect(response.status).toBe(202)
  return json(response)
}

describe('debounce', () => {
  it('collapses a burst of 100 triggers into one execution with the last input', async () => {
    const flowId = await flowWith({ debounce: { period: '1h' } })
    const first = await hook(flowId, { n: 0 })
    expect(first).toMatchObject({ gathered: 'debounce', size: 1 })
    const burst = await Promise.all(Array.from({ length: 98 }, (_, index) => hook(flowId, { n: index + 1 })))
    const last = await hook(flowId, { n: 99 })
    for (const answer of [...burst, last]) expect(answer.executionId).toBe(first.executionId)
    expect(last.size).toBe(100)
    // the period runs from the last trigger: every trigger pushed the start back
    expect(Date.parse(last.startsAt)).toBeGreaterThan(Date.parse(first.startsAt))
    const held = await gathered(flowId, 'debounce')
    expect(held?.windows).toHaveLength(1)
    expect(held?.windows[0]).toMatchObject({ size: 100, closed: false })
    expect(Date.parse(last.startsAt)).toBe((held?.windows[0]?.lastAt ?? 0) + 3_600_000)
    // nothing started yet: the execution it names does not exist
    expect((await call('GET', `/api/executions/${first.executionId}`)).status).toBe(404)

    await gatherDueNow(flowId, 'debounce')
    const done = await waitFor(first.executionId, finished)
    expect(done).toMatchObject({ flowId, status: 'completed', trigger: 'webhook' })
    expect(done.input.body).toEqual({ n: 99 })
    // the window is gone, and the next trigger opens another
    expect(await gathered(flowId, 'debounce')).toBeNull()
    const next = await hook(flowId, { n: 100 })
    expect(next.executionId).not.toBe(first.executionId)
    expect(next.size).toBe(1)
  })

  it('keeps the first input when asked, and one window per key', async () => {
    const flowId = await flowWith({ debounce: { period: '1h', keep: 'first', key: '{{ input.body.customer }}' } })
    const a = await hook(flowId, { customer: 'a', n: 1 })
    await hook(flowId, { customer: 'a', n: 2 })
    const b = await hook(flowId, { customer: 'b', n: 3 })
    expect(b.executionId).not.toBe(a.executionId)
    await gatherDueNow(flowId, 'debounce', 'a')
    expect((await waitFor(a.executionId, finished)).input.body).toEqual({ customer: 'a', n: 1 })
    expect((await gathered(flowId, 'debounce', 'b'))?.windows[0]?.size).toBe(1)
  })

  it('keeps every body with keep: all, in arrival order', async () => {
    const flowId = await flowWith({ debounce: { period: '1h', keep: 'all' } })
    const first = await hook(flowId, { n: 1 })
    await hook(flowId, { n: 2 })
    await hook(flowId, { n: 3 })
    await gatherDueNow(flowId, 'debounce')
    expect((await waitFor(first.executionId, finished)).input.body).toEqual({ items: [{ n: 1 }, { n: 2 }, { n: 3 }] })
  })

  it('gathers a trigger sent again with its Idempotency-Key once', async () => {
    const flowId = await flowWith({ debounce: { period: '1h' } })
    const once = await hook(flowId, { n: 1 }, { 'idempotency-key': 'k1' })
    const again = await hook(flowId, { n: 1 }, { 'idempotency-key': 'k1' })
    expect(again).toEqual(once)
    expect((await gathered(flowId, 'debounce'))?.windows[0]?.size).toBe(1)
  })
})

describe('batch', () => {
  it('starts an execution as soon as maxSize triggers are gathered, their bodies in order', async () => {
    const flowId = await flowWith({ batch: { maxSize: 5, timeout: '1h' } })
    const answers = []
    for (let n = 0; n < 5; n++) answers.push(await hook(flowId, { n }))
    const { executionId } = answers[0]
    for (const answer of answers) expect(answer.executionId).toBe(executionId)
    expect(answers.map((answer) => answer.size)).toEqual([1, 2, 3, 4, 5])
    // full: its alarm starts it now, by itself
    const done = await waitFor(executionId, finished)
    expect(done.input.body).toEqual({ items: [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }] })
    const sixth = await hook(flowId, { n: 5 })
    expect(sixth.executionId).not.toBe(executionId)
  })

  it('starts what it has once timeout passed since the first trigger', async () => {
    const flowId = await flowWith({ batch: { maxSize: 100, timeout: '1s' } })
    const first = await hook(flowId, { n: 1 })
    await hook(flowId, { n: 2 })
    expect(Date.parse(first.startsAt) - Date.now()).toBeLessThanOrEqual(1_000)
    // the alarm rings by itself, a second after the first trigger
    const done = await waitFor(first.executionId, finished)
    expect(done.input.body).toEqual({ items: [{ n: 1 }, { n: 2 }] })
    expect(await gathered(flowId, 'batch')).toBeNull()
  })
})

describe('the typed client', () => {
  it('tells a gathered trigger from an accepted one', async () => {
    const client = createClient({ url: BASE, fetch: (request) => exports.default.fetch(request) })
    const flowId = await flowWith({ debounce: { period: '1h' } })
    const started = await client.flows.trigger(flowId, { n: 1 })
    expect(started).toMatchObject({ kind: 'gathered', gathered: 'debounce', size: 1 })
  })
})

describe('definitions', () => {
  const refusedPaths = (extra: object) => flowRefusedPaths({ ...extra, tasks: noop })

  it('are refused with the path of the bad field', async () => {
    expect(await refusedPaths({ debounce: { period: '100ms' } })).toEqual(['debounce.period'])
    expect(await refusedPaths({ debounce: { period: '1m', maxWait: '30s' } })).toEqual(['debounce.maxWait'])
    expect(await refusedPaths({ debounce: { period: '1m', key: 'constant' } })).toEqual(['debounce.key'])
    expect(await refusedPaths({ batch: { maxSize: 0, timeout: '1m' } })).toEqual(['batch.maxSize'])
    expect(await refusedPaths({ batch: { maxSize: 2 } })).toEqual(['batch.timeout'])
    expect(await refusedPaths({ debounce: { period: '1m' }, batch: { maxSize: 2, timeout: '1m' } })).toEqual(['batch'])
  })
})
