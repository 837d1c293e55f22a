/**
 * @module One Durable Object per flow with schedule triggers: it sleeps on its alarm until the
 * next slot, starts the executions that are due, and arms the alarm for the next one.
 */
import { DurableObject } from 'cloudflare:workers'
import { getFlow, setNextScheduledAt } from '../store/d1/flows'
import { scheduledExecutionId } from '../domain/ids'
import { launch, triggerInput } from './stubs'
import type { Env } from '../env'
import type { TriggerDefinition } from '../flow/schema'
import { due, nextFire, type Schedule, schedulesOf } from '../schedule/plan'

/** After a failed start, the alarm tries again this much later. */
const RETRY_MS = 5_000

interface State {
  flowId: string
  schedules: Schedule[]
}

export class SchedulerObject extends DurableObject<Env> {
  /** Sets the flow's schedules (none: stop); returns the next fire time. */
  async configure(flowId: string, triggers: TriggerDefinition[]): Promise<number | null> {
    const schedules = schedulesOf(triggers, Date.now())
    if (schedules.length === 0) {
      await this.ctx.storage.deleteAll()
      return null
    }
    await this.ctx.storage.put<State>('state', { flowId, schedules })
    const next = nextFire(schedules)
    await (next === null ? this.ctx.storage.deleteAlarm() : this.ctx.storage.setAlarm(next))
    return next
  }

  override async alarm(): Promise<void> {
    const state = await this.ctx.storage.get<State>('state')
    if (!state) return
    const { fire, after } = due(state.schedules, Date.now())
    try {
      const flow = await getFlow(this.env.DB, state.flowId)
      if (!flow?.enabled) {
        await this.ctx.storage.deleteAll()
        return
      }
      for (const { index, slot } of fire) {
        const schedule = state.schedules[index] as Schedule
        await launch(this.env, {
          // one execution per slot, however often the alarm runs
          executionId: await scheduledExecutionId(flow.id, index, slot),
          flowId: flow.id,
          revision: flow.latestRevision,
          definition: flow.definition,
          trigger: 'schedule',
          input: triggerInput('schedule', schedule.input, Date.now()),
        })
      }
    } catch (error) {
      console.error(`schedule of flow ${state.flowId} could not start an execution; retrying`, error)
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS)
      return
    }
    await this.ctx.storage.put<State>('state', { ...state, schedules: after })
    const next = nextFire(after)
    if (next !== null) await this.ctx.storage.setAlarm(next)
    await setNextScheduledAt(this.env.DB, state.flowId, next)
  }
}
