import { describe, expect, it } from 'vitest'
import { call, finished, target, uniqueId, waitFor } from '../helpers/api'
import { callsTo, start, statuses } from '../helpers/engine'

type Run = { id: number; taskId: string; status: string; output: unknown; handler: string | null }
const byTask = (detail: { taskRuns: Run[] }) => Object.fromEntries(detail.taskRuns.map((run) => [run.taskId, run]))

describe('errors and finally on the flow', () => {
  it('runs errors with the failure in scope, then finally, and the execution keeps the original error', async () => {
    const key = uniqueId('retried')
    const { executionId } = await start({
      tasks: [
        { id: 'first', type: 'set', values: { a: 1 } },
        {
          id: 'call',
          type: 'http',
          url: target(`/flaky?key=${key}&fail=5`),
          retry: { maxAttempts: 2, delay: '10ms' },
        },
        { id: 'never', type: 'set', values: { b: 2 } },
      ],
      errors: [
        {
          id: 'report',
          type: 'set',
          values: { failed: '{{ error.taskId }}', type: '{{ error.type }}', attempt: '{{ error.attempt }}' },
        },
      ],
      finally: [{ id: 'cleanup', type: 'set', values: { ended: '{{ scope.status }}', seen: '{{ error.taskId }}' } }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ taskId: 'call', type: 'http_error', attempt: 2 })
    expect(await callsTo(key)).toBe(2)
    expect(statuses(done)).toEqual([
      ['first', 'completed'],
      ['call', 'failed'],
      ['report', 'completed'],
      ['cleanup', 'completed'],
    ])
    expect(done.vars).toMatchObject({ failed: 'call', type: 'http_error', attempt: 2, ended: 'failed', seen: 'call' })
    const runs = byTask(done)
    expect(runs.report?.handler).toBe('errors')
    expect(runs.cleanup?.handler).toBe('finally')
  })

  it('runs finally after success and after a warning, with the scope status', async () => {
    for (const [allowed, status] of [
      [false, 'completed'],
      [true, 'warning'],
    ] as const) {
      const { executionId } = await start({
        tasks: [
          allowed
            ? { id: 'maybe', type: 'fail', allowFailure: true }
            : { id: 'maybe', type: 'set', values: { ok: true } },
        ],
        errors: [{ id: 'report', type: 'set', values: { errors: true } }],
        finally: [{ id: 'cleanup', type: 'set', values: { ended: '{{ scope.status }}' } }],
      })
      const done = await waitFor(executionId, finished)
      expect(done.status).toBe(status)
      expect(done.vars.ended).toBe(status)
      expect(done.vars.errors).toBeUndefined()
    }
  })

  it('records a failure inside errors beside the original one, and still runs finally', async () => {
    const { executionId } = await start({
      tasks: [{ id: 'boom', type: 'fail', message: 'original' }],
      errors: [
        { id: 'broken', type: 'fail', message: 'in errors' },
        { id: 'skippedAfter', type: 'set', values: { x: 1 } },
      ],
      finally: [{ id: 'cleanup', type: 'set', values: { ran: true } }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({
      taskId: 'boom',
      message: 'original',
      handlerFailures: [{ taskId: 'broken', type: 'fail_task', message: 'in errors' }],
    })
    expect(statuses(done)).toEqual([
      ['boom', 'failed'],
      ['broken', 'failed'],
      ['cleanup', 'completed'],
    ])
  })

  it('fails a completed execution whose finally fails', async () => {
    const { executionId } = await start({
      tasks: [{ id: 'ok', type: 'set', values: { a: 1 } }],
      errors: [{ id: 'report', type: 'set', values: { errors: true } }],
      finally: [{ id: 'broken', type: 'fail', message: 'in finally' }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ taskId: 'broken', message: 'in finally' })
    expect(done.vars.errors).toBeUndefined()
  })

  it('refuses a handler task id used elsewhere in the flow', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [{ id: 'same', type: 'set', values: { a: 1 }, compensate: [{ id: 'undo', type: 'log', message: 'x' }] }],
      errors: [{ id: 'undo', type: 'log', message: 'y' }],
      finally: [{ id: 'same', type: 'log', message: 'z' }],
    })
    expect(response.status).toBe(400)
    const body = await response.json<{ error: { issues: { path: string; message: string }[] } }>()
    expect(body.error.issues.map((issue) => issue.message)).toEqual([
      'duplicate task id "undo"',
      'duplicate task id "same"',
    ])
  })
})
