import { describe, expect, it } from 'vitest'
import { call, finished, json, target, uniqueId, waitFor } from '../helpers/api'
import { crash, dueNow, start, statuses } from '../helpers/engine'

describe('foreach', () => {
  it('runs its tasks once per item with item and index, and outputs the last output of each in item order', async () => {
    const { response, executionId } = await start(
      {
        mode: 'sync',
        tasks: [
          {
            id: 'each',
            type: 'foreach',
            items: 'input.body.names',
            concurrency: 2,
            tasks: [
              { id: 'shout', type: 'set', values: { last: '{{ $uppercase(item) }}' } },
              { id: 'label', type: 'return', body: '{{ index & ":" & outputs.shout.last }}' },
            ],
          },
          { id: 'answer', type: 'return', body: '{{ outputs.each }}' },
        ],
      },
      { names: ['ada', 'bob', 'cy'] },
    )
    expect(await json(response)).toEqual([
      { status: 200, body: '0:ADA', headers: {} },
      { status: 200, body: '1:BOB', headers: {} },
      { status: 200, body: '2:CY', headers: {} },
    ])
    const done = await waitFor(executionId, finished)
    const each = done.taskRuns[0]
    expect(each.metrics).toContainEqual({ name: 'foreach.items', type: 'counter', value: 3 })
    const inner = done.taskRuns.filter((run: { parentTaskRunId: number | null }) => run.parentTaskRunId === each.id)
    expect(inner.map((run: { taskId: string; iteration: number }) => [run.taskId, run.iteration]).sort()).toEqual([
      ['label', 0],
      ['label', 1],
      ['label', 2],
      ['shout', 0],
      ['shout', 1],
      ['shout', 2],
    ])
    expect(inner.every((run: { branch: string; iteration: number }) => run.branch === String(run.iteration))).toBe(true)
  })

  it('runs at most `concurrency` iterations at once', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1,2,3,4]',
          concurrency: 2,
          tasks: [{ id: 'call', type: 'http', url: target('/slow/250') }],
        },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.taskRuns[0].output).toHaveLength(4)
    const spans = done.taskRuns
      .slice(1)
      .map((run: { startedAt: string; endedAt: string }) => [Date.parse(run.startedAt), Date.parse(run.endedAt)])
    const overlapping = (at: number) => spans.filter(([from, to]: number[]) => from! <= at && at < to!).length
    const most = Math.max(...spans.map(([from]: number[]) => overlapping(from!)))
    expect(most).toBe(2)
  })

  it('outputs [] for no items, and fails with expression_error naming the task when items is not an array', async () => {
    const empty = await start({
      mode: 'sync',
      tasks: [
        { id: 'each', type: 'foreach', items: '[]', tasks: [{ id: 'x', type: 'log', message: '.' }] },
        { id: 'a', type: 'return', body: { out: '{{ outputs.each }}' } },
      ],
    })
    expect(await json(empty.response)).toEqual({ out: [] })
    const bad = await start(
      {
        mode: 'sync',
        tasks: [{ id: 'each', type: 'foreach', items: 'input.body', tasks: [{ id: 'x', type: 'log', message: '.' }] }],
      },
      'not a list',
    )
    expect(bad.response.status).toBe(500)
    const { error } = await json(bad.response)
    expect(error).toMatchObject({ taskId: 'each', type: 'expression_error' })
    expect(error.message).toContain('items must evaluate to an array')
  })

  it('fails when an iteration fails, killing the iterations in flight', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[0, 1, 2, 3]',
          concurrency: 2,
          tasks: [
            { id: 'nap', type: 'delay', duration: '{{ item * 100 }}ms' },
            { id: 'check', type: 'fail', if: 'item = 0', message: 'item {{ item }} is bad' },
          ],
        },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ taskId: 'check', type: 'fail_task', message: 'item 0 is bad' })
    expect(statuses(done)).toContainEqual(['nap', 'killed'])
    expect(done.taskRuns.filter((run: { iteration: number }) => run.iteration === 3)).toEqual([])
  })

  it('gives the same result after a reset in the middle of the iterations', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1, 2, 3]',
          tasks: [
            // an hour each: the test ends each nap itself, so it sees the second iteration delayed however slow the machine
            { id: 'nap', type: 'delay', duration: '1h' },
            { id: 'double', type: 'set', values: { last: '{{ item * 2 }}' } },
          ],
        },
      ],
    })
    const napOf = async (iteration: number) => {
      const isNap = (run: { iteration: number; status: string }) =>
        run.iteration === iteration && run.status === 'delayed'
      const detail = await waitFor(executionId, (e) => e.taskRuns.some(isNap))
      return { kind: 'wake', runId: detail.taskRuns.find(isNap).id } as const
    }
    await dueNow(executionId, await napOf(0))
    const second = await napOf(1)
    await crash(executionId)
    await dueNow(executionId, second)
    await dueNow(executionId, await napOf(2))
    const done = await waitFor(executionId, finished)
    expect(done.taskRuns[0].output).toEqual([{ last: 2 }, { last: 4 }, { last: 6 }])
  })

  it('refuses an empty task list', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [{ id: 'e', type: 'foreach', items: '[1]', tasks: [] }],
    })
    expect(response.status).toBe(400)
    expect((await json(response)).error.issues[0].path).toBe('tasks.0.tasks')
  })
})

describe('foreach after a reset', () => {
  it('keeps the outputs of an iteration in progress', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'loop',
          type: 'foreach',
          items: '[1]',
          tasks: [
            { id: 'approval', type: 'wait', event: 'go' },
            { id: 'after', type: 'set', values: { by: '{{ outputs.approval.by }}' } },
          ],
        },
      ],
    })
    await waitFor(executionId, (e) => e.status === 'waiting')
    await crash(executionId)
    await call('POST', `/api/executions/${executionId}/events/go`, { by: 'ops' })
    expect((await waitFor(executionId, finished)).vars).toEqual({ by: 'ops' })
  })
})
