import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { call, json, putFlow, uniqueId } from '../helpers/api'

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
    const count = (await scheduled(flowId)).length
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect((await scheduled(flowId)).length).toBe(count)
    expect(await runInDurableObject(schedulerOf(flowId), (_, state) => state.storage.getAlarm())).toBeNull()

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
    await runInDurableObject(stub, (_, state) => state.storage.put('state', missed))
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await call('DELETE', `/api/flows/${flowId}`)
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
