import { describe, expect, it } from 'vitest'
import { backoffDelay, nextAttemptAt } from '../../src/core/retry'
import type { ErrorType } from '../../src/domain/errors'
import { compileFlow, type ResolvedRetry } from '../../src/flow/compile'
import { FlowDefinition } from '../../src/flow/schema'

const NOW = 1_700_000_000_000

const policy = (patch: Partial<ResolvedRetry> = {}): ResolvedRetry => ({
  maxAttempts: 5,
  backoff: 'constant',
  delayMs: 1000,
  maxDelayMs: null,
  retryOn: ['http_error', 'timeout', 'expression_error', 'subflow_failed', 'internal'],
  ...patch,
})

/** The policy the compiler resolves for a task declared with `retry`. */
const resolved = (retry: unknown): ResolvedRetry => {
  const flow = compileFlow('f', 1, FlowDefinition.parse({ tasks: [{ id: 't', type: 'log', message: 'x', retry }] }))
  return flow.tasks.get('t')!.retry
}

const delays = (p: ResolvedRetry, attempts: number[]) => attempts.map((attempt) => backoffDelay(p, attempt))

describe('backoffDelay', () => {
  it('waits the same delay after every attempt with constant back-off', () => {
    expect(delays(policy({ backoff: 'constant', delayMs: 1500 }), [1, 2, 3, 10])).toEqual([1500, 1500, 1500, 1500])
  })

  it('grows by the delay after every attempt with linear back-off', () => {
    expect(delays(policy({ backoff: 'linear', delayMs: 1000 }), [1, 2, 3, 4])).toEqual([1000, 2000, 3000, 4000])
  })

  it('doubles after every attempt with exponential back-off', () => {
    expect(delays(policy({ backoff: 'exponential', delayMs: 250 }), [1, 2, 3, 4, 5])).toEqual([
      250, 500, 1000, 2000, 4000,
    ])
  })

  it('caps every back-off at maxDelay', () => {
    expect(delays(policy({ backoff: 'exponential', delayMs: 1000, maxDelayMs: 5000 }), [1, 2, 3, 4, 5])).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ])
    expect(delays(policy({ backoff: 'linear', delayMs: 1000, maxDelayMs: 2500 }), [1, 2, 3])).toEqual([
      1000, 2000, 2500,
    ])
    expect(backoffDelay(policy({ backoff: 'constant', delayMs: 1000, maxDelayMs: 1000 }), 7)).toBe(1000)
  })
})

describe('nextAttemptAt', () => {
  it('schedules the next attempt at now + the back-off of the failed attempt', () => {
    const p = policy({ backoff: 'exponential', delayMs: 1000 })
    expect(nextAttemptAt(p, 1, 'http_error', NOW)).toBe(NOW + 1000)
    expect(nextAttemptAt(p, 3, 'http_error', NOW)).toBe(NOW + 4000)
  })

  it('stops once maxAttempts attempts have run', () => {
    const p = policy({ maxAttempts: 3 })
    expect(nextAttemptAt(p, 2, 'timeout', NOW)).toBe(NOW + 1000)
    expect(nextAttemptAt(p, 3, 'timeout', NOW)).toBeNull()
    expect(nextAttemptAt(p, 4, 'timeout', NOW)).toBeNull()
  })

  it('never retries with the default policy of one attempt', () => {
    expect(nextAttemptAt(policy({ maxAttempts: 1 }), 1, 'http_error', NOW)).toBeNull()
  })

  it('retries only the error types of retryOn', () => {
    const p = policy({ retryOn: ['timeout'] })
    expect(nextAttemptAt(p, 1, 'timeout', NOW)).toBe(NOW + 1000)
    expect(nextAttemptAt(p, 1, 'http_error', NOW)).toBeNull()
  })
})

describe('retry policies as compiled from a flow', () => {
  it('default to one attempt, constant back-off of 1 s, no cap, every type but validation and fail errors', () => {
    expect(resolved(undefined)).toEqual({
      maxAttempts: 1,
      backoff: 'constant',
      delayMs: 1000,
      maxDelayMs: null,
      retryOn: ['http_error', 'timeout', 'expression_error', 'subflow_failed', 'internal'],
    })
  })

  it('convert durations to milliseconds', () => {
    expect(resolved({ maxAttempts: 4, backoff: 'linear', delay: '250ms', maxDelay: '2s' })).toMatchObject({
      maxAttempts: 4,
      backoff: 'linear',
      delayMs: 250,
      maxDelayMs: 2000,
    })
  })

  it('never retry validation errors or fail tasks, even when retryOn lists them', () => {
    const p = resolved({ maxAttempts: 5, retryOn: ['validation_error', 'fail_task', 'http_error'] })
    expect(p.retryOn).toEqual(['http_error'])
    const never: ErrorType[] = ['validation_error', 'fail_task']
    for (const type of never) expect(nextAttemptAt(p, 1, type, NOW)).toBeNull()
    expect(nextAttemptAt(p, 1, 'http_error', NOW)).toBe(NOW + 1000)
  })

  it('never retry validation errors or fail tasks under the default retryOn', () => {
    const p = resolved({ maxAttempts: 5 })
    expect(nextAttemptAt(p, 1, 'validation_error', NOW)).toBeNull()
    expect(nextAttemptAt(p, 1, 'fail_task', NOW)).toBeNull()
    expect(nextAttemptAt(p, 1, 'internal', NOW)).toBe(NOW + 1000)
  })

  it('take the flow default unless the task has its own', () => {
    const flow = compileFlow(
      'f',
      1,
      FlowDefinition.parse({
        retry: { maxAttempts: 3, delay: '2s' },
        tasks: [
          { id: 'inherits', type: 'log', message: 'x' },
          { id: 'own', type: 'log', message: 'x', retry: { maxAttempts: 2, delay: '5s' } },
        ],
      }),
    )
    expect(flow.tasks.get('inherits')!.retry).toMatchObject({ maxAttempts: 3, delayMs: 2000 })
    expect(flow.tasks.get('own')!.retry).toMatchObject({ maxAttempts: 2, delayMs: 5000 })
  })
})
