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

describe('errors and finally on containers', () => {
  it("a failing parallel branch stops its siblings, runs the parallel's errors and finally, then fails the flow without its errors", async () => {
    const key = uniqueId('hang')
    const { executionId } = await start({
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          branches: [
            [{ id: 'slow', type: 'http', url: target(`/hang-once?key=${key}`), timeout: '1m' }],
            [{ id: 'boom', type: 'fail', message: 'branch failed' }],
          ],
          errors: [{ id: 'fanErrors', type: 'set', values: { handled: '{{ error.taskId }}' } }],
          finally: [{ id: 'fanFinally', type: 'set', values: { fan: '{{ scope.status }}' } }],
        },
        { id: 'after', type: 'set', values: { after: true } },
      ],
      errors: [{ id: 'flowErrors', type: 'set', values: { flow: true } }],
      finally: [{ id: 'flowFinally', type: 'set', values: { flowEnded: '{{ scope.status }}' } }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ taskId: 'boom', message: 'branch failed' })
    const runs = byTask(done)
    expect(runs.slow?.status).toBe('killed')
    expect(runs.fan?.status).toBe('failed')
    expect(runs.after).toBeUndefined()
    // the parallel's errors handled the failure: the flow's errors do not run for it, its finally does
    expect(runs.flowErrors).toBeUndefined()
    expect(done.vars).toEqual({ handled: 'boom', fan: 'failed', flowEnded: 'failed' })
    expect(runs.fanErrors).toMatchObject({ handler: 'errors', parentTaskRunId: runs.fan?.id })
  })

  it("a foreach iteration failure runs the foreach's errors once; allowFailure lets the flow go on", async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1, 2, 3]',
          allowFailure: true,
          tasks: [
            { id: 'check', type: 'fail', if: '{{ item = 2 }}', message: '{{ "bad item " & item }}' },
            { id: 'keep', type: 'set', values: { last: '{{ item }}' } },
          ],
          errors: [{ id: 'eachErrors', type: 'set', values: { bad: '{{ error.message }}' } }],
          finally: [{ id: 'eachFinally', type: 'set', values: { eachEnded: '{{ scope.status }}' } }],
        },
        { id: 'after', type: 'set', values: { after: '{{ outputs.eachErrors.bad }}' } },
      ],
      finally: [{ id: 'flowFinally', type: 'set', values: { flowEnded: '{{ scope.status }}' } }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('warning')
    expect(done.vars).toMatchObject({
      last: 1,
      bad: 'bad item 2',
      eachEnded: 'failed',
      after: 'bad item 2',
      flowEnded: 'warning',
    })
    expect(done.taskRuns.filter((run: Run) => run.taskId === 'eachErrors')).toHaveLength(1)
  })

  it('the innermost scope with errors handles a failure in nested containers and if branches', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'outer',
          type: 'parallel',
          branches: [
            [
              {
                id: 'choose',
                type: 'if',
                condition: 'true',
                then: [{ id: 'deep', type: 'fail', message: 'deep failure' }],
                finally: [{ id: 'chooseFinally', type: 'set', values: { choose: '{{ scope.status }}' } }],
              },
            ],
          ],
          errors: [{ id: 'outerErrors', type: 'set', values: { outer: '{{ error.taskId }}' } }],
        },
      ],
      errors: [{ id: 'flowErrors', type: 'set', values: { flow: true } }],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.vars).toEqual({ choose: 'failed', outer: 'deep' })
    expect(statuses(done)).toEqual([
      ['outer', 'failed'],
      ['choose', 'failed'],
      ['deep', 'failed'],
      ['chooseFinally', 'completed'],
      ['outerErrors', 'completed'],
    ])
  })

  it("runs a container's finally when it completes, before the flow moves on", async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1, 2]',
          tasks: [{ id: 'double', type: 'set', values: { d: '{{ item * 2 }}' } }],
          finally: [{ id: 'eachFinally', type: 'log', message: '{{ scope.status }}' }],
        },
        { id: 'after', type: 'set', values: { out: '{{ outputs.each }}' } },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    // the foreach's output is its iterations' last outputs: its finally is none of them
    expect(done.vars.out).toEqual([{ d: 2 }, { d: 4 }])
    expect(byTask(done).eachFinally?.status).toBe('completed')
  })
})
