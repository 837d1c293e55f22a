import { describe, expect, it } from 'vitest'
import { call, finished, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import { callsTo, crash, endDelay, start, statuses } from '../helpers/engine'

describe('parallel', () => {
  it('overlaps the http calls of its branches and completes when every branch has', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'both',
          type: 'parallel',
          branches: [
            [{ id: 'left', type: 'http', url: target('/slow/400') }],
            [{ id: 'right', type: 'http', url: target('/slow/400') }],
          ],
        },
        { id: 'sum', type: 'set', values: { total: '{{ outputs.left.body.slept + outputs.right.body.slept }}' } },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.vars).toEqual({ total: 800 })
    const [both, left, right] = done.taskRuns
    expect(left).toMatchObject({ parentTaskRunId: both.id, branch: '0' })
    expect(right).toMatchObject({ parentTaskRunId: both.id, branch: '1' })
    // each call takes 400 ms: they overlap when each starts before the other ends
    expect(Date.parse(left.startedAt)).toBeLessThan(Date.parse(right.endedAt))
    expect(Date.parse(right.startedAt)).toBeLessThan(Date.parse(left.endedAt))
  })

  it('lets one branch sleep or back off without blocking the other', async () => {
    const key = uniqueId('flaky')
    const { executionId } = await start({
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          branches: [
            [{ id: 'sleepy', type: 'delay', duration: '1h' }],
            [
              {
                id: 'flaky',
                type: 'http',
                url: target(`/flaky?key=${key}&fail=1`),
                retry: { maxAttempts: 2, delay: '300ms' },
              },
              { id: 'quick', type: 'set', values: { quick: '{{ $millis() }}' } },
            ],
          ],
        },
      ],
    })
    const runOf = (detail: { taskRuns: { taskId: string }[] }, taskId: string): any =>
      detail.taskRuns.find((run) => run.taskId === taskId)
    // the other branch backs off, retries and completes while the sleepy one still sleeps
    const progressed = await waitFor(executionId, (e) => runOf(e, 'quick')?.status === 'completed')
    expect(runOf(progressed, 'sleepy').status).toBe('delayed')
    await endDelay(executionId, runOf(progressed, 'sleepy').id)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    expect(Date.parse(runOf(done, 'quick').endedAt)).toBeLessThan(Date.parse(runOf(done, 'sleepy').endedAt))
  })

  it('fails the execution when a branch fails and kills the other branches in-flight work', async () => {
    const key = uniqueId('hang')
    const { executionId } = await start({
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          branches: [
            [{ id: 'stuck', type: 'http', url: target(`/hang?key=${key}`), timeout: '1m' }],
            [
              { id: 'nap', type: 'delay', duration: '100ms' },
              { id: 'boom', type: 'fail', message: 'branch failed' },
            ],
          ],
        },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ taskId: 'boom', type: 'fail_task' })
    expect(statuses(done)).toEqual([
      ['fan', 'failed'],
      ['stuck', 'killed'],
      ['nap', 'completed'],
      ['boom', 'failed'],
    ])
    expect(done.taskRuns[1].attempts[0].status).toBe('killed')
    expect(await callsTo(key)).toBe(1)
  })

  it('goes on, ending warning, when the failing task allows failure', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          branches: [
            [{ id: 'optional', type: 'http', url: target('/status/500'), allowFailure: true }],
            [{ id: 'needed', type: 'set', values: { ok: true } }],
          ],
        },
        { id: 'after', type: 'set', values: { after: true } },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('warning')
    expect(done.error).toBeNull()
    expect(statuses(done)).toEqual([
      ['fan', 'warning'],
      ['optional', 'warning'],
      ['needed', 'completed'],
      ['after', 'completed'],
    ])
    expect(done.taskRuns[1].error).toMatchObject({ type: 'http_error' })
  })

  it('gives the same result after a reset while one branch is delayed', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          branches: [[{ id: 'nap', type: 'delay', duration: '1h' }], [{ id: 'now', type: 'set', values: { a: 1 } }]],
        },
        { id: 'after', type: 'set', values: { b: 2 } },
      ],
    })
    const delayed = await waitFor(executionId, (e) => e.status === 'delayed')
    await crash(executionId)
    await endDelay(executionId, delayed.taskRuns.find((run: { taskId: string }) => run.taskId === 'nap').id)
    const done = await waitFor(executionId, finished)
    expect(done.vars).toEqual({ a: 1, b: 2 })
    expect(statuses(done).map(([, status]) => status)).toEqual(['completed', 'completed', 'completed', 'completed'])
  })

  it('refuses empty branches', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [{ id: 'p', type: 'parallel', branches: [[]] }],
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('tasks.0.branches.0')
    await expect(putFlow(uniqueId(), { tasks: [{ id: 'p', type: 'parallel', branches: [] }] })).rejects.toThrow('400')
  })
})

describe('a container that allows failure', () => {
  it('ends warning when it times out, and the flow goes on', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'par',
          type: 'parallel',
          allowFailure: true,
          timeout: '200ms',
          branches: [[{ id: 'nap', type: 'delay', duration: '2s' }]],
        },
        { id: 'after', type: 'set', values: { ok: true } },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('warning')
    expect(statuses(done)).toEqual([
      ['par', 'warning'],
      ['nap', 'killed'],
      ['after', 'completed'],
    ])
    expect(done.taskRuns[0].error).toMatchObject({ type: 'timeout' })
  })
})
