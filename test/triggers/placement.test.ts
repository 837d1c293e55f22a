/**
 * Placement (README, Placement): the location hint an execution's object is created with. workerd
 * runs every object here, so the test watches the hint the namespace is given.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { FlowDefinition } from '../../src/flow/schema'
import { launch, newExecutionId, triggerInput } from '../../src/objects/stubs'
import type { Placement } from '../../src/flow/placement'
import { call, finished, json, uniqueId, waitFor } from '../helpers/api'

/** The Worker's env, with every `EXECUTIONS.get` option recorded. */
function watched(): { placed: typeof env; options: unknown[] } {
  const options: unknown[] = []
  const namespace = env.EXECUTIONS
  const EXECUTIONS = new Proxy(namespace, {
    get(target, property) {
      if (property === 'get')
        return (id: DurableObjectId, given?: DurableObjectNamespaceGetDurableObjectOptions) => {
          options.push(given)
          return target.get(id, given)
        }
      const value: unknown = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
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

  it('refuses an unknown hint, and a jurisdiction, with the path', async () => {
    for (const [placement, path] of [
      [{ locationHint: 'mars' }, 'placement.locationHint'],
      [{ jurisdiction: 'eu' }, 'placement'],
    ] as const) {
      const response = await call('PUT', `/api/flows/${uniqueId()}`, { placement, tasks })
      expect(response.status).toBe(400)
      const { error } = await json(response)
      expect(error.issues.map((issue: { path: string }) => issue.path)).toEqual([path])
    }
  })
})
