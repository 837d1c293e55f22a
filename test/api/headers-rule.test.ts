import { describe, expect, it } from 'vitest'
import { call, execution, finished, json, listed, putFlow, uniqueId, waitFor } from '../helpers/api'

/** The headers rule: input.headers copies the request's headers for webhooks, and is empty for any other trigger. */
describe('the headers rule', () => {
  const echo = { mode: 'sync', tasks: [{ id: 'echo', type: 'return', body: '{{ input.headers }}' }] }
  const sent = { 'x-plain': 'visible', 'user-agent': 'tester' }

  it('keeps the request headers on a webhook', async () => {
    const id = uniqueId()
    await putFlow(id, echo)
    expect(await json(call('POST', `/hooks/${id}`, {}, sent))).toMatchObject(sent)
  })

  it('records no headers and no request details for the manual trigger', async () => {
    const id = uniqueId()
    await putFlow(id, echo)
    const response = await call('POST', `/api/flows/${id}/executions`, {}, sent)
    expect(await json(response)).toEqual({})
    const { input } = await execution(response.headers.get('x-execution-id')!)
    expect(input.headers).toEqual({})
    expect(input.metadata).toMatchObject({ trigger: 'manual', method: null, path: null, ip: null, userAgent: null })
  })

  it('records no headers for a replay of a webhook execution, a subflow child and a schedule', async () => {
    const child = uniqueId('child')
    await putFlow(child, { tasks: [{ id: 'noop', type: 'log', message: '.' }] })
    const parent = uniqueId('parent')
    await putFlow(parent, {
      tasks: [
        { id: 'call', type: 'subflow', flowId: child },
        { id: 'boom', type: 'fail', if: '$not($exists(input.body.ok))', message: 'to replay' },
      ],
    })
    const response = await call('POST', `/hooks/${parent}`, {}, sent)
    const first = await waitFor(response.headers.get('x-execution-id')!, finished)
    expect(first.input.headers).toMatchObject(sent)
    const childRun = first.taskRuns.find((run: { taskId: string }) => run.taskId === 'call')
    expect((await execution(childRun.childExecutionId)).input.headers).toEqual({})
    const replay = await json(call('POST', `/api/executions/${first.id}/replay`, {}))
    const replayed = await execution(replay.executionId)
    expect(replayed.input).toMatchObject({ headers: {}, body: {}, metadata: { trigger: 'replay' } })

    const scheduled = uniqueId('scheduled')
    await putFlow(scheduled, {
      triggers: [{ type: 'schedule', cron: '* * * * * *', input: { n: 1 } }],
      tasks: [{ id: 'noop', type: 'log', message: '.' }],
    })
    const page = await listed(`flowId=${scheduled}&limit=1`, 1)
    await call('DELETE', `/api/flows/${scheduled}`)
    expect((await execution(page.items[0].id)).input).toMatchObject({ headers: {}, body: { n: 1 } })
  })
})
