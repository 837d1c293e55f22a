import { describe, expect, it } from 'vitest'
import { finished, json, waitFor } from '../helpers/api'
import { crash, endDelay, start, statuses } from '../helpers/engine'

const ifFlow = {
  mode: 'sync',
  tasks: [
    {
      id: 'check',
      type: 'if',
      condition: 'input.body.amount > 100',
      then: [{ id: 'big', type: 'return', body: { size: 'big' } }],
      else: [
        { id: 'nap', type: 'delay', duration: '{{ input.body.nap }}' },
        { id: 'small', type: 'return', body: { size: 'small' } },
      ],
    },
    { id: 'after', type: 'set', values: { checked: true } },
  ],
}

describe('if', () => {
  it('runs then when the condition holds and records else as skipped', async () => {
    const { response, executionId } = await start(ifFlow, { amount: 500, nap: 0 })
    expect(await json(response)).toEqual({ size: 'big' })
    const done = await waitFor(executionId, finished)
    expect(statuses(done)).toEqual([
      ['check', 'completed'],
      ['big', 'completed'],
      ['nap', 'skipped'],
      ['small', 'skipped'],
      ['after', 'completed'],
    ])
    const [check, big, nap] = done.taskRuns
    expect(big).toMatchObject({ parentTaskRunId: check.id, branch: 'then' })
    expect(nap).toMatchObject({ parentTaskRunId: check.id, branch: 'else', attempts: [] })
    expect(check.attempts[0].input).toEqual({ condition: true })
  })

  it('runs else otherwise, and a reset in the middle gives the same result', async () => {
    const { response, executionId } = await start({ ...ifFlow, mode: 'async' }, { amount: 5, nap: '1h' })
    expect(response.status).toBe(202)
    const delayed = await waitFor(executionId, (e) => e.status === 'delayed')
    await crash(executionId)
    const nap = delayed.taskRuns.find((run: { taskId: string }) => run.taskId === 'nap')
    await endDelay(executionId, nap.id)
    const done = await waitFor(executionId, finished)
    expect(done.output.body).toEqual({ size: 'small' })
    expect(statuses(done)).toEqual([
      ['check', 'completed'],
      ['big', 'skipped'],
      ['nap', 'completed'],
      ['small', 'completed'],
      ['after', 'completed'],
    ])
  })

  it('fails with expression_error naming the task when the condition cannot be evaluated', async () => {
    const { response } = await start({ mode: 'sync', tasks: [{ ...ifFlow.tasks[0], condition: '$number("x")' }] })
    expect(response.status).toBe(500)
    const { error } = await json(response)
    expect(error).toMatchObject({ taskId: 'check', type: 'expression_error' })
  })
})

describe('switch', () => {
  const flow = {
    mode: 'sync',
    tasks: [
      {
        id: 'route',
        type: 'switch',
        value: 'input.body.kind',
        cases: {
          card: [{ id: 'card', type: 'return', body: { via: 'card' } }],
          bank: [{ id: 'bank', type: 'return', body: { via: 'bank' } }],
        },
        default: [{ id: 'other', type: 'return', status: 400, body: { via: 'none' } }],
      },
    ],
  }

  it('runs the matching case and skips the others', async () => {
    const { response, executionId } = await start(flow, { kind: 'bank' })
    expect(await json(response)).toEqual({ via: 'bank' })
    const done = await waitFor(executionId, finished)
    expect(statuses(done)).toEqual([
      ['route', 'completed'],
      ['card', 'skipped'],
      ['bank', 'completed'],
      ['other', 'skipped'],
    ])
    expect(done.taskRuns[2].branch).toBe('case:bank')
  })

  it('runs default when no case matches', async () => {
    const { response } = await start(flow, { kind: 'cash' })
    expect(response.status).toBe(400)
  })
})

describe('task-level if', () => {
  it('skips a task whose if is false and runs it otherwise', async () => {
    const { response, executionId } = await start(
      {
        mode: 'sync',
        tasks: [
          { id: 'maybe', type: 'set', if: 'input.body.flag', values: { ran: true } },
          { id: 'answer', type: 'return', body: '{{ vars }}' },
        ],
      },
      { flag: false },
    )
    expect(await json(response)).toEqual({})
    expect(statuses(await waitFor(executionId, finished))[0]).toEqual(['maybe', 'skipped'])
  })
})
