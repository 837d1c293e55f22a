import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import type { Env } from '../../src/env'
import type { StartRequest, StartResult } from '../../src/objects/contract'
import { call, indexSettled, json, putFlow, uniqueId } from '../helpers/api'

const everySecond = (input: object = {}) => ({
  triggers: [{ type: 'schedule', cron: '* * * * * *', input }],
  tasks: [{ id: 'tick', type: 'set', values: { input: '{{ input.body }}' } }],
})

const scheduled = async (flowId: string) =>
  (await json(call('GET', `/api/executions?flowId=${flowId}&limit=100`))).items.filter(
    (item: { trigger: string }) => item.trigger === 'schedule',
  )

const schedulerOf = (flowId: string) => env.SCHEDULERS.get(env.SCHEDULERS.idFromName(flowId))

describe('schedule triggers', () => {
  it('start executions with trigger schedule on time, to the second, and show the next fire time', async () => {
    const flowId = uniqueId()
    const stored = await putFlow(flowId, everySecond({ report: 'tick' }))
    const next = Date.parse(stored.nextScheduledAt)
    expect(next).toBeGreaterThan(Date.now() - 1000)
    expect(next).toBeLessThanOrEqual(Date.now() + 1000)
    await vi.waitUntil(async () => (await scheduled(flowId)).length >= 2, { timeout: 5_000, interval: 100 })
    const [latest] = await scheduled(flowId)
    const detail = await json(call('GET', `/api/executions/${latest.id}`))
    expect(detail.input).toMatchObject({ headers: {}, body: { report: 'tick' }, metadata: { trigger: 'schedule' } })
    const flow = await json(call('GET', `/api/flows/${flowId}`))
    expect(Date.parse(flow.nextScheduledAt)).toBeGreaterThan(next)
    await call('DELETE', `/api/flows/${flowId}`)
  })

  it('stop on DELETE and move with a new revision', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, everySecond())
    await vi.waitUntil(async () => (await scheduled(flowId)).length >= 1, { timeout: 5_000, interval: 100 })
    expect((await call('DELETE', `/api/flows/${flowId}`)).status).toBe(204)
    expect((await json(call('GET', `/api/flows/${flowId}`))).nextScheduledAt).toBeNull()
    await indexSettled()
    const count = (await scheduled(flowId)).length
    // nothing left to ring: no alarm, and an alarm run now (as a late delivery would) starts nothing
    expect(await runInDurableObject(schedulerOf(flowId), (_, state) => state.storage.getAlarm())).toBeNull()
    const launches = await launchesOf(schedulerOf(flowId))
    await runDurableObjectAlarm(schedulerOf(flowId))
    expect(launches.started).toEqual([])
    await indexSettled()
    expect((await scheduled(flowId)).length).toBe(count)

    const yearly = await putFlow(flowId, {
      ...everySecond(),
      triggers: [{ type: 'schedule', cron: '0 0 1 1 *', timezone: 'UTC' }],
    })
    expect(new Date(yearly.nextScheduledAt).getUTCMonth()).toBe(0)
    expect(await runInDurableObject(schedulerOf(flowId), (_, state) => state.storage.getAlarm())).toBe(
      Date.parse(yearly.nextScheduledAt),
    )
    const none = await putFlow(flowId, { tasks: everySecond().tasks })
    expect(none.nextScheduledAt).toBeNull()
    expect(await runInDurableObject(schedulerOf(flowId), (_, state) => state.storage.getAlarm())).toBeNull()
  })

  it('stop for good when the flow is purged: the scheduler keeps no alarm and nothing stored', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { ...everySecond(), triggers: [{ type: 'schedule', cron: '0 0 1 1 *' }] })
    expect(await runInDurableObject(schedulerOf(flowId), (_, state) => state.storage.getAlarm())).not.toBeNull()
    expect((await call('DELETE', `/api/flows/${flowId}?purge=true`)).status).toBe(204)
    const left = await runInDurableObject(schedulerOf(flowId), async (_, state) => ({
      alarm: await state.storage.getAlarm(),
      keys: [...(await state.storage.list()).keys()],
    }))
    expect(left).toEqual({ alarm: null, keys: [] })
  })

  it('run a fire missed while nothing ran once, not once per missed slot', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { ...everySecond(), triggers: [{ type: 'schedule', cron: '0 0 1 1 *' }] })
    const stub = schedulerOf(flowId)
    // pretend the object slept through ten daily slots
    const missed = await runInDurableObject(stub, async (_, state) => {
      const saved = (await state.storage.get<{ flowId: string; schedules: { cron: string; nextAt: number }[] }>(
        'state',
      ))!
      saved.schedules[0]!.cron = '0 0 0 * * *'
      saved.schedules[0]!.nextAt = Date.now() - 10 * 86_400_000
      await state.storage.put('state', saved)
      return saved
    })
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    await vi.waitUntil(async () => (await scheduled(flowId)).length === 1, { timeout: 5_000, interval: 50 })
    const after = await runInDurableObject(stub, (_, state) =>
      state.storage.get<{ schedules: { nextAt: number }[] }>('state'),
    )
    expect(after!.schedules[0]!.nextAt).toBeGreaterThan(Date.now() - 1000)
    // an alarm delivered twice for the same slot (alarms are at least once) starts no second execution
    const [first] = await scheduled(flowId)
    await runInDurableObject(stub, (_, state) => state.storage.put('state', missed))
    const launches = await launchesOf(stub)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    expect(launches.started).toEqual([{ executionId: first.id, created: false }])
    await call('DELETE', `/api/flows/${flowId}`)
    await indexSettled()
    expect((await scheduled(flowId)).length).toBe(1)
  })
})

describe('a schedule', () => {
  it('survives D1 being away at its slot: the alarm is armed again', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { ...everySecond(), triggers: [{ type: 'schedule', cron: '0 0 1 1 *' }] })
    const stub = schedulerOf(flowId)
    await env.DB.exec('ALTER TABLE flows RENAME TO flows_away')
    try {
      expect(await runDurableObjectAlarm(stub)).toBe(true)
      const again = await runInDurableObject(stub, (_, state) => state.storage.getAlarm())
      expect(again).toBeGreaterThan(Date.now())
      expect(again).toBeLessThan(Date.now() + 10_000)
    } finally {
      await env.DB.exec('ALTER TABLE flows_away RENAME TO flows')
    }
    await call('DELETE', `/api/flows/${flowId}`)
  })
})

/**
 * Records the executions the scheduler's alarms start from now on, with whether each start created
 * its execution. Held: each start waits until `released` (and says it `waiting`) before it goes on.
 */
async function launchesOf(stub: DurableObjectStub, held = false) {
  const gate = { waiting: false, released: !held, started: [] as { executionId: string; created: boolean }[] }
  await runInDurableObject(stub, (object) => {
    const instance = object as unknown as { env: Env }
    const executions = instance.env.EXECUTIONS
    const recording = {
      idFromName: (name: string) => executions.idFromName(name),
      get: (id: DurableObjectId) => ({
        start: async (request: StartRequest) => {
          gate.waiting = true
          // polled, so that the alarm's own timers keep it alive while the test configures
          await vi.waitUntil(() => gate.released, { timeout: 10_000, interval: 5 })
          const result = (await executions.get(id).start(request)) as unknown as StartResult
          gate.started.push({ executionId: request.executionId, created: result.ok ? result.created : false })
          return result
        },
      }),
    }
    Object.defineProperty(instance, 'env', { value: { ...instance.env, EXECUTIONS: recording }, configurable: true })
  })
  return gate
}

describe('a configure that lands while the alarm starts executions', () => {
  /** A flow with one yearly schedule whose slot is due now. */
  async function dueSchedule() {
    const flowId = uniqueId()
    await putFlow(flowId, { ...everySecond(), triggers: [{ type: 'schedule', cron: '0 0 1 1 *' }] })
    const stub = schedulerOf(flowId)
    await runInDurableObject(stub, async (_, state) => {
      const saved = (await state.storage.get<{ schedules: { nextAt: number }[] }>('state'))!
      saved.schedules[0]!.nextAt = Date.now() - 1000
      await state.storage.put('state', saved)
    })
    return { flowId, stub, gate: await launchesOf(stub, true) }
  }

  it('keeps the schedules it set, its alarm and its next fire time', async () => {
    const { flowId, stub, gate } = await dueSchedule()
    const alarm = runDurableObjectAlarm(stub)
    await vi.waitUntil(() => gate.waiting, { timeout: 5_000, interval: 5 })
    const daily = { type: 'schedule', cron: '0 0 * * *' }
    const updated = await putFlow(flowId, {
      ...everySecond(),
      triggers: [{ type: 'schedule', cron: '0 0 1 1 *' }, daily],
    })
    gate.released = true
    expect(await alarm).toBe(true)
    const state = await runInDurableObject(stub, (_, state) =>
      state.storage.get<{ schedules: { cron: string; nextAt: number }[] }>('state'),
    )
    expect(state!.schedules.map((schedule) => schedule.cron)).toEqual(['0 0 1 1 *', '0 0 * * *'])
    const next = Date.parse(updated.nextScheduledAt)
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(next)
    expect(Date.parse((await json(call('GET', `/api/flows/${flowId}`))).nextScheduledAt)).toBe(next)
    // the slot the alarm was starting still started, once
    await vi.waitUntil(async () => (await scheduled(flowId)).length === 1, { timeout: 5_000, interval: 50 })
    await call('DELETE', `/api/flows/${flowId}`)
  })

  it('stays stopped by a DELETE', async () => {
    const { flowId, stub, gate } = await dueSchedule()
    const alarm = runDurableObjectAlarm(stub)
    await vi.waitUntil(() => gate.waiting, { timeout: 5_000, interval: 5 })
    expect((await call('DELETE', `/api/flows/${flowId}`)).status).toBe(204)
    gate.released = true
    expect(await alarm).toBe(true)
    expect(await runInDurableObject(stub, (_, state) => state.storage.get('state'))).toBeUndefined()
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBeNull()
    expect((await json(call('GET', `/api/flows/${flowId}`))).nextScheduledAt).toBeNull()
  })
})
