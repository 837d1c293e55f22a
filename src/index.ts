/** @module The Worker: the HTTP app, and the Durable Objects it binds. */
import { app } from './api/app'
import type { Env } from './env'

export { ExecutionObject } from './objects/execution-object'
export { SchedulerObject } from './objects/scheduler-object'
export { CoordinatorObject } from './objects/coordinator-object'
export { RateLimiterObject } from './objects/rate-limiter-object'

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>
