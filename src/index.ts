/** @module The Worker: the HTTP app, and the Durable Objects it binds. */
import { app } from './api/app'
import type { Env } from './env'

export { ExecutionObject } from './engine/execution-object'
export { SchedulerObject } from './schedule/scheduler-object'

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>
