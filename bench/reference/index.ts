/**
 * The references of `npm run bench`: the same small JSON work done inline in a plain Worker
 * (no durability: the physical limit), as Cloudflare Workflows steps, and the cost of creating one
 * (empty) Durable Object per request, and the durable floor: a new object that creates one table,
 * inserts one row and sets an alarm — the least a durable one-object-per-execution design must do.
 */
import { DurableObject, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers'

interface Env {
  TEN_STEPS: Workflow
  ONE_SLEEP: Workflow
  EMPTY: DurableObjectNamespace<Empty>
  FLOOR: DurableObjectNamespace<Floor>
}

/** A Durable Object that does nothing: what creating one object per request costs by itself. */
export class Empty extends DurableObject<Env> {
  ping(): number {
    return 1
  }
}

/**
 * The durable floor: what any execution must at least do in its new object — create its storage,
 * write one row, arm an alarm — and no more. Its alarm is far off: it only has to be set.
 */
export class Floor extends DurableObject<Env> {
  record(body: unknown): number {
    this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    this.ctx.storage.sql.exec('INSERT INTO item (body) VALUES (?)', JSON.stringify(body))
    void this.ctx.storage.setAlarm(Date.now() + 3_600_000)
    return this.ctx.storage.sql.databaseSize
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll()
  }
}

/** One small JSON transform, the unit of work of every benchmark row. */
export const transform = (value: { n: number; trail: string[] }, index: number) => ({
  n: value.n + index,
  trail: [...value.trail, `step${index}`],
})

export class TenSteps extends WorkflowEntrypoint<Env, { n: number }> {
  override async run(event: WorkflowEvent<{ n: number }>, step: WorkflowStep) {
    let value = { n: event.payload.n, trail: [] as string[] }
    for (let index = 0; index < 10; index++) value = await step.do(`step${index}`, async () => transform(value, index))
    return value
  }
}

export class OneSleep extends WorkflowEntrypoint<Env, { ms: number }> {
  override async run(event: WorkflowEvent<{ ms: number }>, step: WorkflowStep) {
    const before = await step.do('before', async () => Date.now())
    await step.sleep('nap', event.payload.ms)
    const after = await step.do('after', async () => Date.now())
    return { lateMs: after - before - event.payload.ms }
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    const [, kind, id] = url.pathname.split('/')
    if (kind === 'bare') {
      const body = (await request.json()) as { n: number }
      let value = { n: body.n, trail: [] as string[] }
      for (let index = 0; index < 10; index++) value = transform(value, index)
      return Response.json(value)
    }
    if (kind === 'object') {
      await env.EMPTY.get(env.EMPTY.idFromName(crypto.randomUUID())).ping()
      return Response.json({ ok: true })
    }
    if (kind === 'floor') {
      const databaseSize = await env.FLOOR.get(env.FLOOR.newUniqueId()).record(await request.json())
      return Response.json({ databaseSize })
    }
    const workflow = kind === 'workflow' ? env.TEN_STEPS : kind === 'sleep' ? env.ONE_SLEEP : null
    if (!workflow) return new Response('not found', { status: 404 })
    if (request.method === 'POST') {
      const instance = await workflow.create({ params: await request.json() })
      return Response.json({ id: instance.id })
    }
    const status = await (await workflow.get(id ?? '')).status()
    return Response.json(status)
  },
} satisfies ExportedHandler<Env>
