/**
 * The live answers of every trigger route — the ones a flow decides included — checked against the
 * OpenAPI document (README, The API contract).
 */
import { describe, expect, it } from 'vitest'
import { call, finished, json, putFlow, uniqueId, waitFor } from '../helpers/api'
import { contractProblems } from '../helpers/contract'

/** Sends the request and expects its answer to be one the document declares. */
async function conforming(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await call(method, path, body)
  expect(await contractProblems(method, path, response)).toEqual([])
  return response
}

const flow = async (definition: object) => {
  const id = uniqueId('contract')
  await putFlow(id, definition)
  return id
}

/** Flows whose answers a flow decides: each sync, each answering in another way. */
const DECIDED = {
  ok: [{ id: 'noop', type: 'log', message: 'hi' }],
  created: [{ id: 'answer', type: 'return', status: 201, body: { made: true } }],
  ownNotFound: [{ id: 'answer', type: 'return', status: 404, body: ['no such thing', 1] }],
  text: [{ id: 'answer', type: 'return', headers: { 'content-type': 'text/plain' }, body: 'plain' }],
  failed: [{ id: 'boom', type: 'fail', message: 'no luck' }],
}

describe('the answers of every trigger route are in the document', () => {
  it('webhook (POST and GET) and manual trigger: every answer a sync flow decides', async () => {
    for (const [name, tasks] of Object.entries(DECIDED)) {
      const id = await flow({ mode: 'sync', triggers: [{ type: 'webhook', methods: ['POST', 'GET'] }], tasks })
      for (const [method, path] of [
        ['POST', `/hooks/${id}`],
        ['GET', `/hooks/${id}`],
        ['POST', `/api/flows/${id}/executions`],
      ] as const) {
        const response = await conforming(method, path, method === 'GET' ? undefined : { name })
        expect(response.headers.get('x-execution-id'), `${name}: ${method} ${path}`).toBeTruthy()
      }
    }
  })

  it("a failed execution answers 500 with a code like every error, and the failed task's details", async () => {
    const id = await flow({ mode: 'sync', tasks: DECIDED.failed })
    const body = await json(conforming('POST', `/hooks/${id}`, {}))
    expect(body.error).toMatchObject({
      code: 'execution_failed',
      type: 'fail_task',
      message: 'no luck',
      taskId: 'boom',
      taskRunId: 1,
      attempt: 1,
    })
  })

  it('async flows, refused inputs and the errors the API answers itself', async () => {
    const id = await flow({ tasks: DECIDED.ok })
    expect((await conforming('POST', `/hooks/${id}`, {})).status).toBe(202)
    const strict = await flow({ mode: 'sync', input: { type: 'object', required: ['who'] }, tasks: DECIDED.ok })
    expect((await conforming('POST', `/hooks/${strict}`, {})).status).toBe(400)
    expect((await conforming('POST', `/hooks/${uniqueId('missing')}`, {})).status).toBe(404)
    expect((await conforming('PUT', `/hooks/${id}`, {})).status).toBe(405)
  })

  it('ad-hoc runs: a task, a flow, a failure and a return of its own', async () => {
    for (const tasks of Object.values(DECIDED)) {
      await conforming('POST', '/api/executions', { flow: { mode: 'sync', tasks }, input: {} })
      await conforming('POST', '/api/executions', { task: tasks[0], input: {} })
    }
    expect((await conforming('POST', '/api/executions', { flow: { tasks: DECIDED.ok } })).status).toBe(202)
    expect((await conforming('POST', '/api/executions', { task: { id: 'x' } })).status).toBe(400)
  })

  it('replay and events answer as declared', async () => {
    const id = await flow({ tasks: [{ id: 'wait', type: 'wait', event: 'go', timeout: 'PT1M' }] })
    const { executionId } = await json(conforming('POST', `/api/flows/${id}/executions`, {}))
    await waitFor(executionId, (execution) => execution.status === 'waiting')
    expect((await conforming('POST', `/api/executions/${executionId}/events/go`, { ok: true })).status).toBe(202)
    await waitFor(executionId, finished)
    const replay = await conforming('POST', `/api/executions/${executionId}/replay`, { fromTaskId: 'wait' })
    expect(replay.status, await replay.clone().text()).toBe(201)
  })

  it('a flow as stored and answered has its defaults filled in, as StoredFlowDefinition says', async () => {
    const id = uniqueId('contract')
    const definition = { tasks: [{ id: 'call', type: 'http', url: 'https://example.com', retry: { maxAttempts: 2 } }] }
    expect((await conforming('PUT', `/api/flows/${id}`, definition)).status).toBe(201)
    const flow = await json(conforming('GET', `/api/flows/${id}`))
    expect(flow.definition).toMatchObject({ mode: 'async', tasks: [{ retry: { backoff: expect.any(String) } }] })
    await conforming('GET', `/api/flows/${id}/revisions/1`)
  })
})
