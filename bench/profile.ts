/**
 * The first steps of an execution's start, each in a new object per request with the steps it
 * builds on (bench/shared.ts) — timed from the client, since workerd's clocks stand still while
 * code runs: the difference between two steps' latencies is what the later step costs. The steps
 * use the product's own code.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../src/env'
import { newExecutionRow } from '../src/objects/execution-object'
import { triggerInput } from '../src/objects/stubs'
import { summaryOf } from '../src/store/d1/executions'
import { upsertMessage } from '../src/store/d1/index-batch'
import { drizzle } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../drizzle/execution/migrations'
import { ExecutionStore } from '../src/store/execution/store'
import type { ExecutionRow } from '../src/store/execution/schema'
import { unreachable } from '../src/domain/errors'
import type { FlowDefinition } from '../src/flow/schema'
import { PROFILE_STEPS, type ProfileStep } from './shared'

const DEFINITION = { mode: 'sync', tasks: [{ id: 'answer', type: 'return' }] } as unknown as FlowDefinition

export class Profile extends DurableObject<Env> {
  async run(step: ProfileStep, body: unknown): Promise<ProfileStep[]> {
    const done: ProfileStep[] = []
    for (let at: ProfileStep | null = step; at; at = PROFILE_STEPS[at]) done.unshift(at)
    const store = new ExecutionStore(this.ctx.storage)
    const input = triggerInput('webhook', body, Date.now())
    const request = { executionId: crypto.randomUUID(), flowId: 'profile', revision: 1, definition: DEFINITION }
    const row = newExecutionRow({ ...request, trigger: 'webhook', input }, input, null, {}, Date.now())
    for (const each of done) await this.step(each, store, row)
    return done
  }

  private async step(step: ProfileStep, store: ExecutionStore, row: ExecutionRow): Promise<void> {
    switch (step) {
      case 'empty':
        return
      case 'migrator':
        // the layout before the two-table one, by the migrator (as every new object made it before the one batch)
        return migrate(drizzle(this.ctx.storage), migrations)
      case 'schema':
        return store.ensureSchema()
      case 'row':
        return store.transaction(() => store.insertExecution(row))
      case 'alarm':
        return this.ctx.storage.setAlarm(Date.now() + 3_600_000)
      case 'index':
        await this.env.INDEX_QUEUE.send(upsertMessage(summaryOf(row)))
        return
      default:
        return unreachable(step)
    }
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll()
  }
}
