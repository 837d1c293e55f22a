import type { D1Migration } from '@cloudflare/vitest-pool-workers'
import type { Env as WorkerEnv } from '../src/env'

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      MIGRATIONS: D1Migration[]
      /** Base URL of the local HTTP target (test/helpers/target.ts). */
      TARGET_URL: string
      TEST_WEBHOOK_SECRET: string
      TEST_NOT_A_WEBHOOK_SECRET: string
      FLOW_SECRET_TEST_KEY: string
      FLOW_SECRET_TEST_PASSWORD: string
      FLOW_SECRET_TEST_SIGNING: string
      HIDDEN_TEST_KEY: string
      FLOW_SECRET_DEMO_SIGNING: string
      /** The example queue trigger's queue (vitest.config.ts), as a producer sends to it. */
      EVENTS_QUEUE: Queue<unknown>
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index')
      durableNamespaces: 'ExecutionObject' | 'CoordinatorObject' | 'RateLimiterObject'
    }
  }
}
