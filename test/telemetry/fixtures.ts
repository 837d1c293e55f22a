/** An ended execution as its trace reads it, for the pure tests of test/telemetry/. */
import type { TracedExecution } from '../../src/telemetry/trace-facts'

export const tracedExecution = (fields: Partial<TracedExecution> = {}): TracedExecution => ({
  id: 'e1',
  flowId: 'orders',
  revision: 3,
  trigger: 'webhook',
  status: 'completed',
  error: null,
  createdAt: 1_000,
  startedAt: 1_001,
  endedAt: 1_500,
  labels: { team: 'billing' },
  replayOf: null,
  parentExecutionId: null,
  input: {
    headers: {},
    body: {},
    metadata: {
      trigger: 'webhook',
      method: 'POST',
      path: '/hooks/orders',
      query: {},
      ip: null,
      userAgent: null,
      country: null,
      colo: null,
      receivedAt: new Date(1_000).toISOString(),
    },
  },
  ...fields,
})
