import { describe, expect, it } from 'vitest'
import { call, finished, json, waitFor } from '../helpers/api'
import { crash, endDelay, start } from '../helpers/engine'

const approval = (extra: object = {}) => ({
  tasks: [
    { id: 'ask', type: 'log', message: 'waiting for approval' },
    { id: 'approval', type: 'wait', event: 'approved', ...extra },
    { id: 'after', type: 'set', values: { by: '{{ outputs.approval.by }}' } },
  ],
})

const send = (executionId: string, name: string, payload: unknown) =>
  call('POST', `/api/executions/${executionId}/events/${name}`, payload)

describe('wait', () => {
  it('turns the execution waiting until the event comes, then outputs its payload', async () => {
    const { executionId } = await start(approval())
    const waiting = await waitFor(executionId, (e) => e.status === 'waiting')
    expect(waiting.taskRuns[1]).toMatchObject({ status: 'waiting', waitingFor: 'approved' })
    const response = await send(executionId, 'approved', { by: 'ops' })
    expect(response.status).toBe(202)
    expect(await json(response)).toMatchObject({ executionId, event: 'approved', delivered: true })
    const done = await waitFor(executionId, finished)
    expect(done.vars).toEqual({ by: 'ops' })
    expect(done.taskRuns[1].output).toEqual({ by: 'ops' })
  })

  it('keeps an event that comes before the wait is reached and consumes it there', async () => {
    const { executionId } = await start({
      tasks: [{ id: 'nap', type: 'delay', duration: '1h' }, ...approval().tasks],
    })
    const delayed = await waitFor(executionId, (e) => e.status === 'delayed')
    const early = await send(executionId, 'approved', { by: 'early bird' })
    expect(await json(early)).toMatchObject({ delivered: false })
    await endDelay(executionId, delayed.taskRuns[0].id)
    const done = await waitFor(executionId, finished)
    expect(done.vars).toEqual({ by: 'early bird' })
  })

  it('answers 409 to an event nobody waits for, or to a final execution, and 404 to an unknown execution', async () => {
    const { executionId } = await start(approval())
    await waitFor(executionId, (e) => e.status === 'waiting')
    const stray = await send(executionId, 'rejected', {})
    expect(stray.status).toBe(409)
    expect((await json(stray)).error.message).toBe('the execution has no wait task for event "rejected"')
    await send(executionId, 'approved', { by: 'x' })
    await waitFor(executionId, finished)
    const late = await send(executionId, 'approved', {})
    expect(late.status).toBe(409)
    expect((await json(late)).error.message).toContain('completed')
    expect((await send(crypto.randomUUID(), 'approved', {})).status).toBe(404)
    expect((await call('POST', `/api/executions/${executionId}/events/bad name`, {})).status).toBe(400)
  })

  it('continues with {timedOut: true} after its timeout with onTimeout continue', async () => {
    const { executionId } = await start(approval({ timeout: '200ms', onTimeout: 'continue' }))
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    expect(done.taskRuns[1].output).toEqual({ timedOut: true })
  })

  it('fails with type timeout after its timeout by default', async () => {
    const { executionId } = await start(approval({ timeout: '200ms' }))
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ taskId: 'approval', type: 'timeout' })
  })

  it('still takes the event after a reset', async () => {
    const { executionId } = await start(approval())
    await waitFor(executionId, (e) => e.status === 'waiting')
    await crash(executionId)
    await send(executionId, 'approved', { by: 'after reset' })
    expect((await waitFor(executionId, finished)).vars).toEqual({ by: 'after reset' })
  })
})

describe('kept events', () => {
  it('are bounded: past the bound, an early event gets 409', async () => {
    const { executionId } = await start({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }, ...approval().tasks] })
    await waitFor(executionId, (e) => e.status === 'delayed')
    for (let index = 0; index < 100; index++) expect((await send(executionId, 'approved', { index })).status).toBe(202)
    const refused = await send(executionId, 'approved', {})
    expect(refused.status).toBe(409)
    expect((await json(refused)).error.message).toContain('100 events')
    await call('POST', `/api/executions/${executionId}/kill`)
  })

  it('never refuse an event that a wait is waiting for right now', async () => {
    const { executionId } = await start({
      tasks: [
        { id: 'go', type: 'wait', event: 'go' },
        { id: 'later', type: 'wait', event: 'later' },
      ],
    })
    await waitFor(executionId, (e) => e.status === 'waiting')
    for (let index = 0; index < 100; index++) expect((await send(executionId, 'later', { index })).status).toBe(202)
    expect((await send(executionId, 'later', {})).status).toBe(409)
    expect((await send(executionId, 'go', {})).status).toBe(202)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    expect(done.taskRuns[1].output).toEqual({ index: 0 })
  })
})
