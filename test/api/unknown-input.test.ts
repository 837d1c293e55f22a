/** Input the API would otherwise ignore unseen is refused (README, Responses): unknown query parameters, bytes that are not UTF-8. */
import { describe, expect, it } from 'vitest'
import { call, json, putFlow, uniqueId } from '../helpers/api'
import { contractProblems } from '../helpers/contract'

describe('unknown query parameters', () => {
  it('are a 400 naming each of them, on every /api route', async () => {
    const id = uniqueId('query')
    await putFlow(id, { tasks: [{ id: 'a', type: 'log', message: 'hi' }] })
    const { executionId } = await json(call('POST', `/api/flows/${id}/executions`, {}))
    for (const [method, path] of [
      ['GET', '/api/executions?flow=greet'],
      ['GET', `/api/flows?limt=5`],
      ['GET', `/api/flows/${id}?flow=greet`],
      ['GET', `/api/executions/${executionId}?flow=greet`],
      ['GET', `/api/executions/${executionId}/logs?flow=greet`],
      ['POST', `/api/flows/${id}/executions?flow=greet`],
      ['DELETE', `/api/flows/${id}?purge=true&force=1`],
    ] as const) {
      const response = await call(method, path, method === 'POST' ? {} : undefined)
      expect(response.status, path).toBe(400)
      expect(await contractProblems(method, path, response), path).toEqual([])
      const { error } = await json(response)
      const name = [...new URL(path, 'http://x').searchParams.keys()].at(-1)
      expect(error, path).toMatchObject({ code: 'invalid_request', issues: [{ path: name }] })
    }
  })

  it('are the input of a webhook, which sees every one', async () => {
    const id = uniqueId('query')
    await putFlow(id, { mode: 'sync', tasks: [{ id: 'r', type: 'return', body: '{{ input.metadata.query }}' }] })
    expect(await json(call('POST', `/hooks/${id}?any=1`, {}))).toEqual({ any: '1' })
  })
})

describe('a trigger body that is not UTF-8', () => {
  it('is a 400 naming the first bad byte, as text and as a form', async () => {
    const id = uniqueId('utf8')
    await putFlow(id, { mode: 'sync', tasks: [{ id: 'r', type: 'return', body: '{{ input.body }}' }] })
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await call('POST', `/hooks/${id}`, new Uint8Array([0x61, 0x3d, 0x62, 0xff]), {
        'content-type': type,
      })
      expect(response.status, type).toBe(400)
      expect((await json(response)).error.message, type).toContain('byte 3')
    }
  })
})
