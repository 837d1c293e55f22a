/** @module The Worker: the HTTP app, the index and trace queues' consumers, the queue and email triggers, the index sweep (cron), and the Durable Objects it binds. */
import { app, hooksApp, isHookUrl } from './api/app'
import type { Env } from './env'
import { countedEnv, countsRoundTrips, formatRoundTrips, noRoundTrips, ROUND_TRIPS_HEADER } from './round-trips'
import { consumeIndex } from './objects/index-queue'
import { sweepIndex } from './objects/index-sweep'
import type { IndexMessage } from './store/d1/index-batch'
import { consumeTraces } from './objects/trace-queue'
import type { TraceMessage } from './telemetry/export'
import { consumeQueue } from './objects/queue-trigger'
import { receiveEmail } from './objects/email-trigger'
import { INDEX_DEAD_LETTERS, INDEX_QUEUE, TRACE_QUEUE } from './domain/own-queues'
import { serving } from './flow/turns'

export { ExecutionObject } from './objects/execution-object'
export { SchedulerObject } from './objects/scheduler-object'
export { CoordinatorObject } from './objects/coordinator-object'
export { RateLimiterObject } from './objects/rate-limiter-object'
export { GathererObject } from './objects/gatherer-object'

/** The app that answers the request: a webhook's has its few routes alone (api/app.ts). */
const appFor = (request: Request) => (isHookUrl(request.url) ? hooksApp : app)

/** The app, with the round trips made before its answer counted into a header when asked to (README, Performance). */
async function fetchCounted(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const counts = noRoundTrips()
  const response = await appFor(request).fetch(request, countedEnv(env, counts), ctx)
  // read now: what runs after the answer (index writes, refreshes) is not the caller's wait
  const answered = new Response(response.body, response)
  answered.headers.set(ROUND_TRIPS_HEADER, formatRoundTrips(counts))
  return answered
}

// each event is counted in flight while it is served: a long flow in this isolate gives the thread
// a turn soon while one is (flow/turns.ts; docs/performance.md, Turns)
export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) =>
    serving(async () =>
      countsRoundTrips(env) ? await fetchCounted(request, env, ctx) : await appFor(request).fetch(request, env, ctx),
    ),
  // every consumed queue, one handler: the batch names its queue (wrangler.toml); a queue that is
  // not edgeflow's own carries messages for the flows that consume it (README, Queue triggers)
  queue: (batch, env) =>
    serving(async () => {
      if (batch.queue === TRACE_QUEUE) await consumeTraces(batch as MessageBatch<TraceMessage>, env)
      else if (batch.queue === INDEX_QUEUE || batch.queue === INDEX_DEAD_LETTERS)
        await consumeIndex(batch as MessageBatch<IndexMessage>, env)
      else await consumeQueue(batch, env)
    }),
  // Email Routing's messages to the Worker start the flows with an email trigger (README, Email triggers)
  email: (message, env) => serving(() => receiveEmail(message, env)),
  // the cron of wrangler.toml: unsettled rows of the index nobody wrote for a while are checked
  scheduled: (_controller, env) =>
    serving(async () => {
      await sweepIndex(env, Date.now())
    }),
} satisfies ExportedHandler<Env, unknown>
