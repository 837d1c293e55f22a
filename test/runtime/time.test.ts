import { describe, expect, it, vi } from 'vitest'
import { execution, finished, json, target, uniqueId, waitFor } from '../helpers/api'
import { alarmOf, cleanupAt, endDelay, start } from '../helpers/engine'

describe('delay', () => {
  it('turns the execution delayed with wakeAt and an armed alarm, and the alarm resumes it', async () => {
    const { executionId } = await start({
      tasks: [
        { id: 'nap', type: 'delay', duration: '1h' },
        { id: 'after', type: 'set', values: { woke: true } },
      ],
    })
    const delayed = await waitFor(executionId, (e) => e.status === 'delayed')
    expect(Date.parse(delayed.wakeAt)).toBeGreaterThan(Date.now())
    expect(delayed.taskRuns[0]).toMatchObject({ status: 'delayed', wakeAt: delayed.wakeAt })
    expect(await alarmOf(executionId)).toBe(Date.parse(delayed.wakeAt))
    // the hour passes: the alarm rings and resumes it (a short real delay: "sleeps until an ISO time")
    await endDelay(executionId, delayed.taskRuns[0].id)
    const done = await waitFor(executionId, finished)
    expect(done).toMatchObject({ status: 'completed', vars: { woke: true }, wakeAt: null })
  })

  it('continues at once for a zero duration or a time in the past', async () => {
    const { response } = await start({
      mode: 'sync',
      tasks: [
        { id: 'zero', type: 'delay', duration: 0 },
        { id: 'past', type: 'delay', until: '2001-01-01T00:00:00Z' },
        { id: 'answer', type: 'return', body: { ok: true } },
      ],
    })
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({ ok: true })
  })

  it('sleeps until an ISO time', async () => {
    const until = new Date(Date.now() + 300).toISOString()
    const { executionId } = await start(
      { tasks: [{ id: 'nap', type: 'delay', until: '{{ input.body.until }}' }] },
      { until },
    )
    const done = await waitFor(executionId, finished)
    expect(Date.parse(done.endedAt)).toBeGreaterThanOrEqual(Date.parse(until))
  })
})

describe('retries', () => {
  it('record every attempt, keep the run and the execution delayed during back-off, and succeed', async () => {
    const key = uniqueId('flaky')
    const { executionId } = await start({
      tasks: [
        {
          id: 'flaky',
          type: 'http',
          url: target(`/flaky?key=${key}&fail=2`),
          retry: { maxAttempts: 3, backoff: 'exponential', delay: '150ms' },
        },
      ],
    })
    const backingOff = await waitFor(executionId, (e) => e.status === 'delayed')
    expect(backingOff.taskRuns[0].status).toBe('delayed')
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    const attempts = done.taskRuns[0].attempts
    expect(attempts.map((a: { number: number; status: string }) => [a.number, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'completed'],
    ])
    expect(attempts[0].error).toMatchObject({ type: 'http_error' })
    const gap = (a: number, b: number) => Date.parse(attempts[b].startedAt) - Date.parse(attempts[a].endedAt)
    expect(gap(0, 1)).toBeGreaterThanOrEqual(150)
    expect(gap(1, 2)).toBeGreaterThanOrEqual(300)
    expect(done.taskRuns[0].output.body).toEqual({ attempt: 3 })
  })

  it('use the flow policy when the task has none, and the final failure names task, attempt and problem', async () => {
    const { executionId } = await start({
      retry: { maxAttempts: 2, delay: '50ms' },
      tasks: [{ id: 'down', type: 'http', url: target('/status/503') }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ taskId: 'down', taskRunId: 1, attempt: 2, type: 'http_error' })
    expect(done.error.message).toContain('503')
  })

  it('never retry fail tasks', async () => {
    const { executionId } = await start({
      tasks: [{ id: 'stop', type: 'fail', message: 'no', retry: { maxAttempts: 5, delay: '10ms' } }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.taskRuns[0].attempts).toHaveLength(1)
    expect(done.error.type).toBe('fail_task')
  })
})

describe('timeouts', () => {
  it('abort an in-flight http call with type timeout, and the attempt retries', async () => {
    const key = uniqueId('hang')
    const { executionId } = await start({
      tasks: [
        {
          id: 'slow',
          type: 'http',
          url: target(`/hang-once?key=${key}`),
          // long enough for the second attempt's request on a busy machine
          timeout: '1s',
          retry: { maxAttempts: 2, delay: '10ms' },
        },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    const [first, second] = done.taskRuns[0].attempts
    expect(first).toMatchObject({ status: 'failed', error: { type: 'timeout' } })
    expect(first.durationMs).toBeGreaterThanOrEqual(1000)
    expect(second.status).toBe('completed')
  })

  it('fail the execution with type timeout while it is delayed', async () => {
    const { executionId } = await start({
      timeout: '300ms',
      tasks: [{ id: 'long', type: 'delay', duration: '1h' }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ type: 'timeout', taskId: null })
    expect(done.taskRuns[0].status).toBe('killed')
    expect(await alarmOf(executionId)).toBe(cleanupAt(done))
  })
})

describe('sync flows and time', () => {
  it('answer at once when a return comes before a delay, and the flow goes on', async () => {
    const { response, executionId } = await start({
      mode: 'sync',
      tasks: [
        { id: 'answer', type: 'return', status: 201, body: { accepted: true } },
        { id: 'nap', type: 'delay', duration: '1h' },
        { id: 'after', type: 'set', values: { done: true } },
      ],
    })
    expect(response.status).toBe(201)
    const answered = Date.now()
    const delayed = await execution(executionId)
    expect(delayed.status).toBe('delayed')
    await endDelay(executionId, delayed.taskRuns[1].id)
    const done = await waitFor(executionId, finished)
    expect(done.vars).toEqual({ done: true })
    expect(answered).toBeLessThan(Date.parse(done.taskRuns[1].endedAt))
  })

  it('keep the caller waiting through a delay until the output is decided', async () => {
    const started = Date.now()
    const { response } = await start({
      mode: 'sync',
      tasks: [
        { id: 'nap', type: 'delay', duration: '300ms' },
        { id: 'answer', type: 'return', body: { waited: true } },
      ],
    })
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({ waited: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  })

  it('answer 202 with the polling links once syncTimeout passes', async () => {
    const { response, executionId } = await start({
      mode: 'sync',
      syncTimeout: '200ms',
      tasks: [
        { id: 'nap', type: 'delay', duration: '500ms' },
        { id: 'answer', type: 'return', body: { late: true } },
      ],
    })
    expect(response.status).toBe(202)
    expect(await json(response)).toMatchObject({ executionId, status: 'delayed' })
    expect(response.headers.get('location')).toContain(executionId)
    expect((await waitFor(executionId, finished)).output.body).toEqual({ late: true })
  })
})

describe('limits', () => {
  it('summarize a large attempt input, so that many retries still fit the run', async () => {
    const { executionId } = await start(
      {
        tasks: [
          {
            id: 'forward',
            type: 'http',
            method: 'POST',
            url: target('/status/503'),
            body: '{{ input.body }}',
            retry: { maxAttempts: 10, delay: '10ms' },
          },
        ],
      },
      { blob: 'x'.repeat(250_000) },
    )
    const done = await waitFor(executionId, finished, 15_000)
    expect(done.error).toMatchObject({ type: 'http_error', attempt: 10 })
    expect(done.taskRuns[0].attempts[0].input).toEqual({ truncated: true, size: expect.any(Number) })
  })

  it('fail a task whose output would make vars outgrow their bound', async () => {
    const { executionId } = await start(
      {
        tasks: [
          { id: 'one', type: 'set', values: { a: '{{ input.body.blob }}' } },
          { id: 'two', type: 'set', values: { b: '{{ input.body.blob }}' } },
        ],
      },
      { blob: 'x'.repeat(600_000) },
    )
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ taskId: 'two', type: 'validation_error' })
    expect(done.error.message).toContain('vars would hold')
  })

  it('ignore the late end of a timed-out attempt while a newer attempt runs', async () => {
    const original = globalThis.fetch
    let attempts = 0
    let ended = false
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (!String(input instanceof Request ? input.url : input).includes('ignores-abort')) return original(input, init)
      const attempt = ++attempts
      // this fetch ignores the abort: it answers only once a newer attempt runs (the last, once the execution ended)
      await vi.waitUntil(() => attempts > attempt || ended, { timeout: 15_000, interval: 10 })
      return new Response('{}', { headers: { 'content-type': 'application/json' } })
    })
    try {
      const { executionId } = await start({
        tasks: [
          {
            id: 'call',
            type: 'http',
            url: 'http://127.0.0.1:9/ignores-abort',
            timeout: '300ms',
            retry: { maxAttempts: 3, delay: '0ms' },
          },
        ],
      })
      const done = await waitFor(executionId, finished)
      const errors = done.taskRuns[0].attempts.map((attempt: { error: { type: string } | null }) => attempt.error?.type)
      expect(errors).toEqual(['timeout', 'timeout', 'timeout'])
    } finally {
      ended = true
      spy.mockRestore()
    }
  })
})
