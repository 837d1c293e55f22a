/**
 * edgeflow as `npm run chaos` runs it: the product unchanged, and a producer of the queue
 * `edgeflow-events` that wrangler.toml's consumer reads — `POST /__chaos/queue` with
 * `{"bodies": [...]}` sends them as one batch, the only way in that `wrangler dev` has.
 */
import type { Env } from '../src/env'
import worker from '../src/index'

export * from '../src/index'

type ChaosEnv = Env & { EVENTS_QUEUE: Queue<unknown> }

export default {
  ...worker,
  async fetch(request: Request, env: ChaosEnv, ctx: ExecutionContext) {
    if (new URL(request.url).pathname !== '/__chaos/queue') return worker.fetch(request, env, ctx)
    const { bodies } = (await request.json()) as { bodies: unknown[] }
    await env.EVENTS_QUEUE.sendBatch(bodies.map((body) => ({ body })))
    return Response.json({ sent: bodies.length })
  },
} satisfies ExportedHandler<ChaosEnv, unknown>
