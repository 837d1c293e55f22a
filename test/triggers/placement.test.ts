/**
 * Placement (docs/flows.md, Placement): the location hint an execution's object is created with, and
 * the jurisdiction its id is made in. workerd runs every object here and has no jurisdictions, so
 * the tests watch what the namespace is asked, and what a start answers where there are none.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import worker from '../../src/index'
import { describe, expect, it } from 'vitest'
import type { FlowDefinition } from '../../src/flow/schema'
import { launch, triggerInput } from '../../src/objects/stubs'
import { childExecutionId, namedExecutionId, newExecutionId } from '../../src/objects/placed-ids'
import { executionIdShape } from '../../src/domain/ids'
import type { Placement } from '../../src/flow/placement'
import { call, finished, json, uniqueId, waitFor } from '../helpers/api'

/** `namespace` with some of its methods replaced, the others its own. */
const overriding = (namespace: typeof env.EXECUTIONS, methods: Partial<typeof env.EXECUTIONS>) =>
  new Proxy(namespace, {
    get(target, property) {
      const value: unknown = Reflect.get(property in methods ? methods : target, property)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })

/** The Worker's env, with every `EXECUTIONS.get` option recorded. */
function watched(): { placed: typeof env; options: unknown[] } {
  const options: unknown[] = []
  const namespace = env.EXECUTIONS
  const EXECUTIONS = overriding(namespace, {
    get: (id: DurableObjectId, given?: DurableObjectNamespaceGetDurableObjectOptions) => {
      options.push(given)
      return namespace.get(id, given)
    },
  })
  return { placed: { ...env, EXECUTIONS }, options }
}

async function start(definition: FlowDefinition, placement?: Placement): Promise<unknown[]> {
  const { placed, options } = watched()
  const executionId = newExecutionId(env)
  const result = await launch(placed, {
    executionId,
    flowId: uniqueId('placed'),
    revision: 1,
    definition,
    trigger: 'manual',
    input: triggerInput('manual', {}, Date.now()),
    ...(placement ? { placement } : {}),
  })
  expect(result).toMatchObject({ ok: true })
  expect(await waitFor(executionId, finished)).toMatchObject({ status: 'completed' })
  return options
}

const tasks = [{ id: 'hi', type: 'log', message: 'hi' }] as unknown as FlowDefinition['tasks']

describe('placement', () => {
  it("creates an execution's object with its flow's location hint, else its parent flow's, else none", async () => {
    const own = { mode: 'async', tasks, placement: { locationHint: 'weur' } } as FlowDefinition
    expect(await start(own)).toEqual([{ locationHint: 'weur' }])
    expect(await start(own, { locationHint: 'apac' })).toEqual([{ locationHint: 'weur' }])
    const none = { mode: 'async', tasks } as FlowDefinition
    expect(await start(none, { locationHint: 'apac' })).toEqual([{ locationHint: 'apac' }])
    expect(await start(none)).toEqual([undefined])
  })

  it('refuses an unknown hint or jurisdiction, and any other field, with the path', async () => {
    for (const [placement, path] of [
      [{ locationHint: 'mars' }, 'placement.locationHint'],
      [{ jurisdiction: 'moon' }, 'placement.jurisdiction'],
      [{ region: 'eu' }, 'placement'],
    ] as const) {
      const response = await call('PUT', `/api/flows/${uniqueId()}`, { placement, tasks })
      expect(response.status).toBe(400)
      const { error } = await json(response)
      expect(error.issues.map((issue: { path: string }) => issue.path)).toEqual([path])
    }
  })
})

/**
 * EXECUTIONS with jurisdictions as Cloudflare has them, which workerd lacks: a jurisdiction's
 * namespace makes the plain one's ids under names of its own (so the same name differs between
 * jurisdictions, as it does there), and every id asked of it is recorded.
 */
function withJurisdictions(): { placed: typeof env; asked: string[] } {
  const asked: string[] = []
  const plain = env.EXECUTIONS
  const inside = (jurisdiction: string) =>
    overriding(plain, {
      newUniqueId: () => {
        asked.push(`${jurisdiction}: unique`)
        return plain.newUniqueId()
      },
      idFromName: (name: string) => {
        asked.push(`${jurisdiction}: ${name}`)
        return plain.idFromName(`${jurisdiction}/${name}`)
      },
    })
  const EXECUTIONS = overriding(plain, { jurisdiction: inside })
  return { placed: { ...env, EXECUTIONS }, asked }
}

describe('jurisdictions', () => {
  const name = '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f'

  it("make a new execution's id in its flow's jurisdiction, and a named one as that name's id there", () => {
    const { placed, asked } = withJurisdictions()
    expect(executionIdShape(newExecutionId(placed, 'eu'))).toBe('unique')
    expect(executionIdShape(newExecutionId(placed))).toBe('unique')
    // a named execution in a jurisdiction: 64 hex digits that reach it with no name, the same each time
    const eu = namedExecutionId(placed, name, 'eu')
    expect(executionIdShape(eu)).toBe('unique')
    expect(namedExecutionId(placed, name, 'eu')).toBe(eu)
    expect(namedExecutionId(placed, name, 'us')).not.toBe(eu)
    // outside every jurisdiction, the name itself, as before
    expect(namedExecutionId(placed, name)).toBe(name)
    expect(asked).toEqual(['eu: unique', `eu: ${name}`, `eu: ${name}`, `us: ${name}`])
  })

  it("start a child in its parent's jurisdiction unless its own flow names another", () => {
    const { placed, asked } = withJurisdictions()
    const drawn = newExecutionId(placed, 'eu')
    expect(childExecutionId(placed, drawn, undefined, 'eu')).toBe(drawn)
    expect(childExecutionId(placed, drawn, 'eu', 'eu')).toBe(drawn)
    const moved = childExecutionId(placed, drawn, 'fedramp', 'eu')
    expect(executionIdShape(moved)).toBe('unique')
    expect(moved).not.toBe(drawn)
    // the same attempt started again after a restart finds the same child
    expect(childExecutionId(placed, drawn, 'fedramp', 'eu')).toBe(moved)
    expect(childExecutionId(placed, drawn, 'eu', undefined)).not.toBe(drawn)
    expect(asked).toEqual(['eu: unique', `fedramp: ${drawn}`, `fedramp: ${drawn}`, `eu: ${drawn}`])
  })

  it('are accepted in a flow; where the runtime has none (wrangler dev), every start answers 500 misconfigured and starts nothing, its tests run', async () => {
    const placement = { jurisdiction: 'eu' }
    const flowId = uniqueId('eu')
    expect((await call('PUT', `/api/flows/${flowId}`, { placement, tasks })).status).toBe(201)
    const debounced = uniqueId('eu_debounced')
    expect(
      (await call('PUT', `/api/flows/${debounced}`, { placement, debounce: { period: '1h' }, tasks })).status,
    ).toBe(201)
    const starts: [string, Promise<Response>][] = [
      ['webhook', call('POST', `/hooks/${flowId}`, {})],
      ['Idempotency-Key', call('POST', `/hooks/${flowId}`, {}, { 'idempotency-key': uniqueId() })],
      ['debounce', call('POST', `/hooks/${debounced}`, {})],
      ['ad-hoc', call('POST', '/api/executions', { flow: { placement, tasks } })],
    ]
    for (const [start, answer] of starts) {
      const response = await answer
      expect(response.status, start).toBe(500)
      expect(response.headers.get('x-execution-id'), start).toBeNull()
      const { error } = await json(response)
      expect(error.code, start).toBe('misconfigured')
      expect(error.message, start).toMatch(/jurisdiction eu .*wrangler dev/)
    }
    // its test cases run anywhere: their inputs are their own, erased after each case
    const tested = await json(
      call('POST', `/api/flows/${flowId}/test`, { cases: [{ name: 'runs', expect: { status: 'completed' } }] }),
    )
    expect(tested).toMatchObject({ passed: true, total: 1 })
    // a queue message for it is not acknowledged: the queue delivers it again, then to its dead-letter queue
    const queue = uniqueId('q').replaceAll('_', '-')
    const consumer = uniqueId('eu_consumer')
    expect(
      (await call('PUT', `/api/flows/${consumer}`, { placement, triggers: [{ type: 'queue', queue }], tasks })).status,
    ).toBe(201)
    const batch = createMessageBatch(queue, [{ id: 'm1', timestamp: new Date(1_000), attempts: 1, body: {} }])
    const ctx = createExecutionContext()
    await worker.queue(batch, env)
    const result = await getQueueResult(batch, ctx)
    expect({
      acked: result.explicitAcks,
      retried: result.retryMessages.map((each: { msgId: string }) => each.msgId),
    }).toEqual({
      acked: [],
      retried: ['m1'],
    })
  })
})
