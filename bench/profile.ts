/**
 * The first steps of an execution's start, one more per step, each in a new object per request —
 * timed from the client (workerd's clocks stand still between I/O): the difference between two
 * steps' latencies is what the later step costs. The steps use the product's own code.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../src/env'
import { newExecutionRow } from '../src/objects/execution-object'
import { triggerInput } from '../src/objects/stubs'
import { summaryOf, upsertSummary } from '../src/store/d1/executions'
import { ExecutionStore } from '../src/store/execution/store'
import type { FlowDefinition } from '../src/flow/schema'
import { PROFILE_STEPS, type ProfileStep } from './shared'

const DEFINITION = { mode: 'sync', tasks: [{ id: 'answer', type: 'return' }] } as unknown as FlowDefinition

export class Profile extends DurableObject<Env> {
  async run(step: ProfileStep, body: unknown): Promise<number> {
    const upTo = PROFILE_STEPS.indexOf(step)
    const store = new ExecutionStore(this.ctx.storage)
    if (upTo < 1) return 0
    await store.migrate()
    if (upTo < 2) return 1
    const input = triggerInput('webhook', body, Date.now())
    const row = newExecutionRow(
      {
        executionId: crypto.randomUUID(),
        flowId: 'profile',
        revision: 1,
        definition: DEFINITION,
        trigger: 'webhook',
        input,
      },
      input,
      null,
      Date.now(),
    )
    store.transaction(() => store.insertExecution(row))
    if (upTo < 3) return 2
    await this.ctx.storage.setAlarm(Date.now() + 3_600_000)
    if (upTo < 4) return 3
    await upsertSummary(this.env.DB, summaryOf(row))
    return 4
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll()
  }
}
