import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { sha256 } from '../../src/domain/ids'
import { call, execution, finished, json, listed, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import { crash, stubOf } from '../helpers/engine'

/** The coordinator of a flow's key ('' without a key). */
const coordinator = async (flowId: string, key = '') =>
  env.COORDINATORS.get(env.COORDINATORS.idFromName(`${flowId}:${await sha256(key)}`))

const view = async (flowId: string, key = '') => (await coordinator(flowId, key)).view()

/** Triggers the flow once per body, one after the other; the execution ids in trigger order. */
async function triggerAll(flowId: string, bodies: unknown[]): Promise<string[]> {
  const ids: string[] = []
  for (const body of bodies) {
    const response = await call('POST', `/hooks/${flowId}`, body)
    expect(response.status).toBe(202)
    ids.push(response.headers.get('x-execution-id')!)
  }
  return ids
}

/** The most intervals open at one instant (an end at the same instant as a start comes first). */
function mostAtOnce(intervals: [number, number][]): number {
  const edges = intervals.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ])
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!)
  let open = 0
  let most = 0
  for (const [, step] of edges) most = Math.max(most, (open += step!))
  return most
}

/** Each execution's first task run's start, last task run's end, and its own start. */
async function runTimes(ids: string[]): Promise<{ startedAt: number; run: [number, number] }[]> {
  return Promise.all(
    ids.map(async (id) => {
      const detail = await execution(id)
      expect(detail.status).toBe('completed')
      const runs = detail.taskRuns.filter((run: { status: string }) => run.status !== 'skipped')
      const run: [number, number] = [Date.parse(runs[0].startedAt), Date.parse(runs.at(-1).endedAt)]
      return { startedAt: Date.parse(detail.startedAt), run }
    }),
  )
}

/** A task that holds the slot until the event "go" when the body says `block`, then an http call of 30 ms. */
const blockThenCall = [
  { id: 'hold', type: 'wait', event: 'go', if: 'input.body.block = true' },
  { id: 'call', type: 'http', url: target('/slow/30') },
]

/**
 * Starts the `blockers` one after the other and waits until they hold their slots; then triggers
 * every one of `queued` at once, which all wait in their key's queue; returns their ids in the order
 * of that queue (the order they arrived in), then lets the blockers go.
 */
async function queueBehind(
  flowId: string,
  blockers: object[],
  queued: object[],
  keyOf: (body: any) => string = () => '',
) {
  const blocking = await triggerAll(flowId, blockers)
  for (const id of blocking) await waitFor(id, (detail) => detail.status === 'waiting')
  const responses = await Promise.all(queued.map((body) => call('POST', `/hooks/${flowId}`, body)))
  expect(responses.map((response) => response.status)).toEqual(queued.map(() => 202))
  const keys = [...new Set(queued.map(keyOf))]
  const order = new Map<string, string[]>()
  for (const key of keys) order.set(key, ((await view(flowId, key))?.queue ?? []) as string[])
  for (const id of blocking) await go(id)
  return { blocking, order }
}

/** Waits until `count` executions of the flow completed (a queue drains at the pace of its limit). */
async function completed(flowId: string, count: number): Promise<void> {
  let statuses: string[] = []
  try {
    await vi.waitUntil(
      async () => {
        const page = await json(call('GET', `/api/executions?flowId=${flowId}&limit=100`))
        statuses = page.items.map((item: { status: string }) => item.status)
        return statuses.filter((status) => status === 'completed').length === count
      },
      { timeout: 40_000, interval: 100 },
    )
  } catch (error) {
    throw new Error(`not all completed: ${JSON.stringify(statuses)}`, { cause: error })
  }
}

const nondecreasing = (values: number[]) => values.every((value, index) => index === 0 || value >= values[index - 1]!)

const waitTask = { id: 'hold', type: 'wait', event: 'go' }
const go = (id: string) => call('POST', `/api/executions/${id}/events/go`, {})

describe('concurrency limits', () => {
  it('run 50 triggers at most 2 at once, all to completion, started in arrival order', async () => {
    const id = uniqueId()
    await putFlow(id, { concurrency: { limit: 2 }, tasks: blockThenCall })
    const bodies = Array.from({ length: 48 }, (_, n) => ({ n }))
    const { blocking, order } = await queueBehind(id, [{ block: true }, { block: true }], bodies)
    const queue = order.get('')!
    expect(queue).toHaveLength(48)
    await completed(id, 50)
    const times = await runTimes([...blocking, ...queue])
    expect(mostAtOnce(times.map((each) => each.run))).toBe(2)
    expect(nondecreasing(times.slice(2).map((each) => each.startedAt))).toBe(true)
    // the key's coordinator left nothing behind
    await vi.waitUntil(async () => (await view(id)) === null)
  }, 60_000)

  it('hold a limit per key: keys run side by side, each one at a time and in its arrival order', async () => {
    const id = uniqueId()
    await putFlow(id, { concurrency: { limit: 1, key: '{{ input.body.customer }}' }, tasks: blockThenCall })
    const customers = ['a', 'b', 'c']
    const { blocking, order } = await queueBehind(
      id,
      customers.map((customer) => ({ customer, block: true })),
      Array.from({ length: 9 }, (_, n) => ({ customer: customers[n % 3] })),
      (body) => body.customer,
    )
    await completed(id, 12)
    const all: [number, number][] = []
    for (const [index, customer] of customers.entries()) {
      const ids = [blocking[index]!, ...order.get(customer)!]
      expect(ids).toHaveLength(4)
      const times = await runTimes(ids)
      expect(mostAtOnce(times.map((each) => each.run))).toBe(1)
      expect(nondecreasing(times.map((each) => each.startedAt))).toBe(true)
      all.push(...times.map((each) => each.run))
    }
    expect(mostAtOnce(all)).toBe(3)
  }, 60_000)

  it('list, show and kill a queued execution; the queue moves on without it', async () => {
    const id = uniqueId()
    await putFlow(id, { concurrency: { limit: 1 }, tasks: [waitTask] })
    const [first, second, third] = await triggerAll(id, [{}, {}, {}])
    await waitFor(first!, (detail) => detail.status === 'waiting')
    expect(await execution(second!)).toMatchObject({ status: 'queued', startedAt: null, taskRuns: [] })
    const queued = await listed(`flowId=${id}&status=queued`, 2)
    expect(queued.items.map((item: { id: string }) => item.id).sort()).toEqual([second, third].sort())
    expect(await view(id)).toMatchObject({ limit: 1, queue: [second, third] })

    const killed = await call('POST', `/api/executions/${second}/kill`)
    expect(killed.status).toBe(202)
    expect(await waitFor(second!, finished)).toMatchObject({ status: 'killed', taskRuns: [] })
    await vi.waitUntil(async () => ((await view(id))?.queue ?? []).length === 1)

    await go(first!)
    await waitFor(third!, (detail) => detail.status === 'waiting')
    expect(await view(id)).toMatchObject({ holders: [{ executionId: third, admitted: true }], queue: [] })
    await go(third!)
    await waitFor(third!, finished)
    await vi.waitUntil(async () => (await view(id)) === null)
  })

  it('go on after a reset of the coordinator in the middle, in order, with nothing lost', async () => {
    const id = uniqueId()
    await putFlow(id, { concurrency: { limit: 1 }, tasks: [waitTask] })
    const ids = await triggerAll(id, [{}, {}, {}])
    await waitFor(ids[0]!, (detail) => detail.status === 'waiting')
    await runInDurableObject(await coordinator(id), (_, state) => state.abort('reset for a test')).catch(
      () => undefined,
    )
    for (const [index, executionId] of ids.entries()) {
      await waitFor(executionId, (detail) => detail.status === 'waiting')
      for (const later of ids.slice(index + 1)) expect((await execution(later)).status).toBe('queued')
      await go(executionId)
      await waitFor(executionId, finished)
      if (index === 0)
        await runInDurableObject(await coordinator(id), (_, state) => state.abort('reset again')).catch(() => undefined)
    }
    await vi.waitUntil(async () => (await view(id)) === null)
  })

  it('give the slot back after a crash of the execution right after its end', async () => {
    const id = uniqueId()
    await putFlow(id, { concurrency: { limit: 1 }, tasks: [waitTask] })
    const [first, second] = await triggerAll(id, [{}, {}])
    await waitFor(first!, (detail) => detail.status === 'waiting')
    await go(first!)
    // whether or not the release got out before the crash, it is owed in storage until taken
    await crash(first!)
    await runDurableObjectAlarm(stubOf(first!))
    await waitFor(second!, (detail) => detail.status === 'waiting')
    expect(await view(id)).toMatchObject({ holders: [{ executionId: second }], queue: [] })
    await go(second!)
    await vi.waitUntil(async () => (await view(id)) === null)
  })

  it('recover by reconciliation a slot whose execution does not exist', async () => {
    const id = uniqueId()
    await putFlow(id, { concurrency: { limit: 1 }, tasks: [waitTask] })
    const stub = await coordinator(id)
    // a slot granted to an execution whose object was never written (its start crashed in between)
    const ghost = crypto.randomUUID()
    expect(await stub.acquire(ghost, 1, 'reject')).toEqual({ outcome: 'granted' })
    const [waiting] = await triggerAll(id, [{}])
    expect((await execution(waiting!)).status).toBe('queued')
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec('UPDATE holders SET since = 0, checked_at = 0')
    })
    await runDurableObjectAlarm(stub)
    await waitFor(waiting!, (detail) => detail.status === 'waiting')
    expect(await stub.view()).toMatchObject({ holders: [{ executionId: waiting }], queue: [] })
    await go(waiting!)
    await vi.waitUntil(async () => (await view(id)) === null)
  })

  it('hold a sync caller up to syncTimeout, then answer 202 while the execution is queued', async () => {
    const id = uniqueId()
    await putFlow(id, { mode: 'sync', syncTimeout: '500ms', concurrency: { limit: 1 }, tasks: [waitTask] })
    const first = (await call('POST', `/hooks/${id}`, {})).headers.get('x-execution-id')!
    const started = Date.now()
    const response = await call('POST', `/hooks/${id}`, {})
    expect(response.status).toBe(202)
    expect(Date.now() - started).toBeGreaterThanOrEqual(450)
    const body = await json(response)
    expect(body.status).toBe('queued')
    await go(first)
    await waitFor(body.executionId, (detail) => detail.status === 'waiting')
    await go(body.executionId)
    await waitFor(body.executionId, finished)
  })

  it('answer 429 with Retry-After when the limit rejects, and create no execution', async () => {
    const id = uniqueId()
    await putFlow(id, { concurrency: { limit: 1, onLimit: 'reject' }, tasks: [waitTask] })
    const first = (await call('POST', `/hooks/${id}`, {})).headers.get('x-execution-id')!
    await waitFor(first, (detail) => detail.status === 'waiting')
    const refused = await call('POST', `/hooks/${id}`, {})
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // a limit without a key is one for the whole flow: the message names no key
    expect((await json(refused)).error).toEqual({
      code: 'concurrency_limited',
      message: `flow ${id} already runs 1 execution`,
    })
    expect((await listed(`flowId=${id}`, 1)).items[0].id).toBe(first)
    await go(first)
    await waitFor(first, finished)
    await vi.waitUntil(async () => (await view(id)) === null)
    expect((await call('POST', `/hooks/${id}`, {})).status).toBe(202)
  })
})
