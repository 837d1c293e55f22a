/** @module The Worker: the HTTP app, the index queue's consumer, and the Durable Objects it binds. */
import { app } from './api/app'
import type { Env } from './env'
import { consumeIndex } from './objects/index-queue'
import type { IndexMessage } from './store/d1/index-batch'

export { ExecutionObject } from './objects/execution-object'
export { SchedulerObject } from './objects/scheduler-object'
export { CoordinatorObject } from './objects/coordinator-object'
export { RateLimiterObject } from './objects/rate-limiter-object'

export default {
  fetch: app.fetch,
  queue: consumeIndex,
} satisfies ExportedHandler<Env, IndexMessage>
