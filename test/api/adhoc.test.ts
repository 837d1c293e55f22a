import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/api/app'
import { call, execution, finished, json, target, waitFor, listedWhere } from '../helpers/api'

const run = (body: unknown, headers: Record<string, string> = {}) => call('POST', '/api/executions', body, headers)

describe('ad-hoc runs', () => {
  it('run a single task and answer its output, as an execution of no flow with trigger "adhoc"', async () => {
    const response = await run(
      {
        task: { id: 'probe', type: 'http', url: target('/echo?q=1'), method: 'POST', body: '{{ input.body }}' },
        input: { n: 1 },
      },
      { 'x-caller': 'me' },
    )
    expect(response.status).toBe(200)
    const output = await json(response)
    expect(output).toMatchObject({ status: 200, body: { method: 'POST', query: { q: '1' }, body: '{"n":1}' } })
    const detail = await waitFor(response.headers.get('x-execution-id')!, finished)
    expect(detail).toMatchObject({
      flowId: null,
      revision: null,
      trigger: 'adhoc',
      status: 'completed',
      input: { headers: {}, body: { n: 1 }, metadata: { trigger: 'adhoc' } },
    })
    expect(detail.taskRuns[0]).toMatchObject({ taskId: 'probe', status: 'completed' })
  })

  it('run an inline flow as a manual trigger would: 202 for an async flow; listed with ?trigger=adhoc', async () => {
    const response = await run({
      flow: { tasks: [{ id: 'hello', type: 'set', values: { who: '{{ input.body.who }}' } }] },
      input: { who: 'Ada' },
    })
    expect(response.status).toBe(202)
    const { executionId } = await json(response)
    expect((await waitFor(executionId, finished)).vars).toEqual({ who: 'Ada' })
    const page = await listedWhere('trigger=adhoc&limit=100', (page) =>
      page.items.some((item: { id: string }) => item.id === executionId),
    )
    expect(
      page.items.every((item: { trigger: string; flowId: null }) => item.trigger === 'adhoc' && item.flowId === null),
    ).toBe(true)
    // one value for "no revision" in the list and the detail
    const listedRun = page.items.find((item: { id: string }) => item.id === executionId)
    expect(listedRun.revision).toBeNull()
    expect((await execution(executionId)).revision).toBeNull()
    // an ad-hoc run belongs to no flow: it cannot be replayed from one
    expect((await call('POST', `/api/executions/${executionId}/replay`, {})).status).toBe(400)
  })

  it('check an inline flow input schema like any flow', async () => {
    const response = await run({
      flow: {
        mode: 'sync',
        input: { type: 'object', required: ['who'] },
        tasks: [{ id: 'x', type: 'log', message: '.' }],
      },
      input: {},
    })
    expect(response.status).toBe(400)
    expect((await json(response)).error).toMatchObject({ code: 'invalid_input', issues: [{ path: '' }] })
    const detail = await execution(response.headers.get('x-execution-id')!)
    expect(detail).toMatchObject({ flowId: null, status: 'failed', error: { type: 'validation_error' } })
  })

  it('validate the definition exactly as a PUT, with paths under "flow" or "task"', async () => {
    const badTask = await run({ task: { id: 'probe', type: 'http', url: 42 } })
    expect(badTask.status).toBe(400)
    expect((await json(badTask)).error).toMatchObject({ code: 'invalid_flow', issues: [{ path: 'task.url' }] })
    const badFlow = await run({ flow: { tasks: [], concurrency: { limit: 0 } } })
    expect(badFlow.status).toBe(400)
    const paths = (await json(badFlow)).error.issues.map((issue: { path: string }) => issue.path)
    expect(paths.sort()).toEqual(['flow.concurrency.limit', 'flow.tasks'])
    for (const body of [{}, { flow: { tasks: [] }, task: { id: 'x', type: 'log', message: '.' } }, { tasks: [] }]) {
      const response = await run(body)
      expect(response.status).toBe(400)
      expect((await json(response)).error.code).toBe('invalid_request')
    }
  })

  it('need the API token like every /api route', async () => {
    const { API_TOKEN: _token, ALLOW_ANONYMOUS_API: _anonymous, ...bindings } = env
    const request = (headers: Record<string, string>) =>
      app.fetch(
        new Request('http://edgeflow.test/api/executions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ task: { id: 'x', type: 'log', message: '.' } }),
        }),
        { ...bindings, API_TOKEN: 's3cret' },
      )
    expect((await request({})).status).toBe(401)
    expect((await request({ authorization: 'Bearer s3cret' })).status).toBe(200)
  })
})
