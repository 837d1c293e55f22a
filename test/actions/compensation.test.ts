import { describe, expect, it } from 'vitest'
import { call, finished, json, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import { callsTo, crash, start, statuses } from '../helpers/engine'

type Run = { id: number; taskId: string; status: string; handler: string | null; compensates: number | null }
const byTask = (detail: { taskRuns: Run[] }) => Object.fromEntries(detail.taskRuns.map((run) => [run.taskId, run]))
const post = (executionId: string, action: string, body?: unknown) =>
  call('POST', `/api/executions/${executionId}/${action}`, body)

/** reserve → charge → ship; each completed step declares its undo. */
const saga = (ship: object, extra: object = {}) => ({
  tasks: <Record<string, unknown>[]>[
    {
      id: 'reserve',
      type: 'set',
      values: { reservation: 'r-1' },
      compensate: [{ id: 'release', type: 'set', values: { released: '{{ compensating.output.reservation }}' } }],
    },
    {
      id: 'charge',
      type: 'set',
      values: { payment: 'p-1' },
      compensate: [
        { id: 'refund', type: 'set', values: { refunded: '{{ compensating.output.payment }}' } },
        { id: 'refundLog', type: 'log', message: '{{ "refunded for " & compensating.taskId }}' },
      ],
    },
    { id: 'ship', ...ship },
  ],
  ...extra,
})

describe('compensation', () => {
  it('undoes the completed tasks in reverse order after errors and before finally', async () => {
    const { executionId } = await start(
      saga(
        { type: 'fail', message: 'no courier' },
        {
          errors: [{ id: 'alert', type: 'set', values: { alerted: '{{ error.taskId }}' } }],
          finally: [{ id: 'done', type: 'set', values: { ended: '{{ scope.status }}' } }],
        },
      ),
    )
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({
      taskId: 'ship',
      message: 'no courier',
      compensation: { ran: 2, completed: 2, failed: 0 },
    })
    expect(statuses(done)).toEqual([
      ['reserve', 'completed'],
      ['charge', 'completed'],
      ['ship', 'failed'],
      ['alert', 'completed'],
      ['refund', 'completed'],
      ['refundLog', 'completed'],
      ['release', 'completed'],
      ['done', 'completed'],
    ])
    expect(done.vars).toMatchObject({ alerted: 'ship', refunded: 'p-1', released: 'r-1', ended: 'failed' })
    const runs = byTask(done)
    expect(runs.refund).toMatchObject({ handler: 'compensate', compensates: runs.charge?.id })
    expect(runs.release).toMatchObject({ handler: 'compensate', compensates: runs.reserve?.id })
  })

  it('retries a compensation under its own policy; one that fails is recorded and the others still run', async () => {
    const key = uniqueId('refund')
    const definition = saga({ type: 'fail', message: 'no courier' })
    definition.tasks[1] = {
      ...definition.tasks[1],
      compensate: [
        {
          id: 'refund',
          type: 'http',
          url: target(`/flaky?key=${key}&fail=5`),
          retry: { maxAttempts: 3, delay: '10ms' },
        },
      ],
    }
    const { executionId } = await start(definition)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(await callsTo(key)).toBe(3)
    expect(done.error).toMatchObject({
      taskId: 'ship',
      compensation: { ran: 2, completed: 1, failed: 1 },
      handlerFailures: [{ taskId: 'refund', type: 'http_error' }],
    })
    expect(byTask(done).release?.status).toBe('completed')
  })

  it('does not compensate a flow that completed, nor a task that did not complete', async () => {
    const { executionId } = await start(saga({ type: 'set', values: { shipped: true } }))
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    expect(done.taskRuns.map((run: Run) => run.taskId)).toEqual(['reserve', 'charge', 'ship'])

    const failing = await start({
      tasks: [
        {
          id: 'broken',
          type: 'fail',
          compensate: [{ id: 'undoBroken', type: 'set', values: { undone: true } }],
        },
      ],
    })
    const failed = await waitFor(failing.executionId, finished)
    expect(failed.error.compensation).toBeUndefined()
    expect(statuses(failed)).toEqual([['broken', 'failed']])
  })

  it('a replay starts from its plan; the compensations of the original stay its history', async () => {
    const flowId = uniqueId()
    const key = uniqueId('courier')
    await putFlow(flowId, saga({ type: 'http', url: target(`/flaky?key=${key}&fail=1`) }))
    const first = await json(call('POST', `/hooks/${flowId}`, {}))
    const failed = await waitFor(first.executionId, finished)
    expect(failed.error.compensation).toEqual({ ran: 2, completed: 2, failed: 0 })
    const replay = await json(post(first.executionId, 'replay', {}))
    expect(replay).toMatchObject({ fromTaskId: 'ship', reused: 2 })
    const done = await waitFor(replay.executionId, finished)
    expect(done.status).toBe('completed')
    expect(done.taskRuns.map((run: Run & { reused: boolean }) => [run.taskId, run.reused])).toEqual([
      ['reserve', true],
      ['charge', true],
      ['ship', false],
    ])
    expect((await waitFor(first.executionId, finished)).taskRuns.map((run: Run) => run.taskId)).toContain('release')
  })
})

describe('kill', () => {
  it('stops errors, compensations and finally: none of them runs after it', async () => {
    const { executionId } = await start(
      saga(
        { type: 'fail' },
        {
          errors: [{ id: 'slowAlert', type: 'delay', duration: '1m' }],
          finally: [{ id: 'done', type: 'set', values: { ended: true } }],
        },
      ),
    )
    await waitFor(executionId, (e) => e.taskRuns.some((run: Run) => run.taskId === 'slowAlert'))
    const response = await post(executionId, 'kill')
    expect([200, 202]).toContain(response.status)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('killed')
    expect(statuses(done)).toEqual([
      ['reserve', 'completed'],
      ['charge', 'completed'],
      ['ship', 'failed'],
      ['slowAlert', 'killed'],
    ])
  })

  it('during a compensation: the others and finally never run', async () => {
    const definition = saga({ type: 'fail' }, { finally: [{ id: 'done', type: 'set', values: { ended: true } }] })
    definition.tasks[1] = { ...definition.tasks[1], compensate: [{ id: 'slowRefund', type: 'delay', duration: '1m' }] }
    const { executionId } = await start(definition)
    await waitFor(executionId, (e) => e.taskRuns.some((run: Run) => run.taskId === 'slowRefund'))
    expect([200, 202]).toContain((await post(executionId, 'kill')).status)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('killed')
    expect(statuses(done)).toEqual([
      ['reserve', 'completed'],
      ['charge', 'completed'],
      ['ship', 'failed'],
      ['slowRefund', 'killed'],
    ])
  })
})

describe('after a reset', () => {
  it('errors, compensation and finally each resume where they were', async () => {
    // each handler holds on a wait task until the test sends its event: the reset lands while it waits
    const pause = (id: string) => ({ id, type: 'wait', event: id })
    const definition = saga(
      { type: 'fail', message: 'no courier' },
      {
        errors: [pause('errorsWait'), { id: 'alert', type: 'set', values: { alerted: true } }],
        finally: [pause('finallyWait'), { id: 'done', type: 'set', values: { ended: '{{ scope.status }}' } }],
      },
    )
    definition.tasks[0] = {
      ...definition.tasks[0],
      compensate: [pause('releaseWait'), { id: 'release', type: 'set', values: { released: true } }],
    }
    const { executionId } = await start(definition)
    for (const waiting of ['errorsWait', 'releaseWait', 'finallyWait']) {
      await waitFor(executionId, (e) =>
        e.taskRuns.some((run: Run) => run.taskId === waiting && run.status === 'waiting'),
      )
      await crash(executionId)
      expect((await post(executionId, `events/${waiting}`, {})).status).toBe(202)
    }
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ taskId: 'ship', compensation: { ran: 2, completed: 2, failed: 0 } })
    expect(statuses(done)).toEqual([
      ['reserve', 'completed'],
      ['charge', 'completed'],
      ['ship', 'failed'],
      ['errorsWait', 'completed'],
      ['alert', 'completed'],
      ['refund', 'completed'],
      ['refundLog', 'completed'],
      ['releaseWait', 'completed'],
      ['release', 'completed'],
      ['finallyWait', 'completed'],
      ['done', 'completed'],
    ])
    expect(done.vars).toMatchObject({ alerted: true, refunded: 'p-1', released: true, ended: 'failed' })
  })

  it('a container resumes its errors and finally where they were', async () => {
    // each handler holds on a wait task until the test sends its event: the reset lands while it waits
    const pause = (id: string) => ({ id, type: 'wait', event: id })
    const { executionId } = await start({
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          branches: [[{ id: 'boom', type: 'fail', message: 'branch failed' }]],
          errors: [pause('errorsWait'), { id: 'handled', type: 'set', values: { handled: '{{ error.taskId }}' } }],
          finally: [pause('finallyWait'), { id: 'closed', type: 'set', values: { closed: '{{ scope.status }}' } }],
        },
      ],
    })
    for (const waiting of ['errorsWait', 'finallyWait']) {
      await waitFor(executionId, (e) =>
        e.taskRuns.some((run: Run) => run.taskId === waiting && run.status === 'waiting'),
      )
      await crash(executionId)
      expect((await post(executionId, `events/${waiting}`, {})).status).toBe(202)
    }
    const done = await waitFor(executionId, finished)
    expect(done).toMatchObject({
      status: 'failed',
      error: { taskId: 'boom' },
      vars: { handled: 'boom', closed: 'failed' },
    })
  })
})

describe('the bound on compensations', () => {
  it('remembers 1,000 completed runs to undo and logs the others as not compensable', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1..1001]',
          tasks: [{ id: 'book', type: 'set', values: {}, compensate: [{ id: 'unbook', type: 'set', values: {} }] }],
        },
        { id: 'boom', type: 'fail' },
      ],
    })
    const done = await waitFor(executionId, finished, 60_000)
    expect(done.error).toMatchObject({ taskId: 'boom', compensation: { ran: 1000, completed: 1000, failed: 0 } })
    const logs = await json(call('GET', `/api/executions/${executionId}/logs?level=warn`))
    expect(logs.items.map((line: { message: string }) => line.message)).toContain(
      'not compensable: 1000 completed runs are already remembered for compensation',
    )
  }, 90_000)
})
