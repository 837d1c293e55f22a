/**
 * @module One Durable Object per flow with schedule triggers: it sleeps on its alarm until the
 * next slot, starts the executions that are due, and arms the alarm for the next one.
 *
 * The alarm awaits D1 and the starts of executions, and a `configure` (a new revision, a DELETE)
 * may land meanwhile. Every configure stamps the state with a new `configuration`; an alarm that
 * finds another one (or none) after its awaits leaves the state, the alarm and the flow's next fire
 * time to that configure, which computed them from its own now — so neither loses the other's write.
 */
import { DurableObject } from 'cloudflare:workers'
import { getFlow, setNextScheduledAt } from '../store/d1/flows'
import { scheduledExecutionId } from '../domain/ids'
import { namedExecutionId } from './placed-ids'
import { launch, triggerInput } from './stubs'
import type { Env } from '../env'
import type { TriggerDefinition } from '../flow/schema'
import { due, nextFire, type Schedule, schedulesOf } from '../schedule/plan'
import { log } from '../log'

/** After a failed start, the alarm tries again this much later. */
const RETRY_MS = 5_000

interface State {
  flowId: string
  schedules: Schedule[]
  /** New with every configure (absent in states written before it existed). */
  configuration?: string
}

declare module '../env' {
  interface Env {
    /** One per flow with schedule triggers. */
    SCHEDULERS: DurableObjectNamespace<SchedulerObject>
  }
}

export class SchedulerObject extends DurableObject<Env> {
  /** Sets the flow's schedules (none: stop); returns the next fire time. */
  async configure(flowId: string, triggers: TriggerDefinition[]): Promise<number | null> {
    const schedules = schedulesOf(triggers, Date.now())
    if (schedules.length === 0) {
      await this.ctx.storage.deleteAll()
      return null
    }
    await this.ctx.storage.put<State>('state', { flowId, schedules, configuration: crypto.randomUUID() })
    const next = nextFire(schedules)
    await (next === null ? this.ctx.storage.deleteAlarm() : this.ctx.storage.setAlarm(next))
    return next
  }

  /** Whether the state is still the one `read` was read from: no configure landed since. */
  private async unchanged(read: State): Promise<boolean> {
    const current = await this.ctx.storage.get<State>('state')
    return current !== undefined && current.configuration === read.configuration
  }

  override async alarm(): Promise<void> {
    const state = await this.ctx.storage.get<State>('state')
    if (!state) return
    const { fire, after } = due(state.schedules, Date.now())
    try {
      const flow = await getFlow(this.env.DB, state.flowId)
      if (!flow?.enabled) {
        if (await this.unchanged(state)) await this.ctx.storage.deleteAll()
        return
      }
      for (const { index, slot } of fire) {
        const schedule = state.schedules[index] as Schedule
        await launch(this.env, {
          // one execution per slot, however often the alarm runs
          executionId: namedExecutionId(
            this.env,
            await scheduledExecutionId(flow.id, index, slot),
            flow.definition.placement?.jurisdiction,
          ),
          flowId: flow.id,
          revision: flow.latestRevision,
          definition: flow.definition,
          trigger: 'schedule',
          input: triggerInput('schedule', schedule.input, Date.now()),
        })
      }
    } catch (error) {
      log.error('a schedule could not start an execution; retrying', { flowId: state.flowId }, error)
      if (await this.unchanged(state)) await this.ctx.storage.setAlarm(Date.now() + RETRY_MS)
      return
    }
    // a configure that landed during the awaits owns the schedules, the alarm and the next fire time
    if (!(await this.unchanged(state))) return
    await this.ctx.storage.put<State>('state', { ...state, schedules: after })
    const next = nextFire(after)
    if (next !== null) await this.ctx.storage.setAlarm(next)
    await setNextScheduledAt(this.env.DB, state.flowId, next)
  }
}
