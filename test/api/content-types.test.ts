/**
 * One rule for the routes whose body is JSON (README, Responses): another content type is refused
 * with 415 naming the one expected, never read as a form or text; a trigger takes any body, as the
 * document says.
 */
import { describe, expect, it } from 'vitest'
import { call, json, putFlow, uniqueId } from '../helpers/api'
import { contractProblems } from '../helpers/contract'

const FLOW = JSON.stringify({ tasks: [{ id: 'hello', type: 'log', message: 'hi' }] })

describe('a JSON body sent with another content type', () => {
  const routes = async () => {
    const id = uniqueId('ctype')
    await putFlow(id, JSON.parse(FLOW))
    const { executionId } = await json(call('POST', `/api/flows/${id}/executions`, {}))
    return [
      { method: 'PUT', path: `/api/flows/${uniqueId('ctype')}`, body: FLOW, expected: 'application/json' },
      {
        method: 'POST',
        path: '/api/executions',
        body: JSON.stringify({ flow: JSON.parse(FLOW) }),
        expected: 'application/json',
      },
      { method: 'POST', path: `/api/executions/${executionId}/replay`, body: '{}', expected: 'application/json' },
    ]
  }

  it('is refused with 415 unsupported_media_type naming the expected type, on every JSON route', async () => {
    for (const route of await routes())
      for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
        const response = await call(route.method, route.path, route.body, { 'content-type': type })
        const where = `${route.method} ${route.path} as ${type}`
        expect(response.status, where).toBe(415)
        expect(await contractProblems(route.method, route.path, response), where).toEqual([])
        const { error } = await json(response)
        expect(error.code, where).toBe('unsupported_media_type')
        expect(error.message, where).toContain(route.expected)
      }
  })

  it('is refused without a content type too, but an empty body without one is an empty replay request', async () => {
    const [put, , replay] = await routes()
    const bare = await call(put!.method, put!.path, put!.body)
    expect(bare.status).toBe(415)
    expect((await call('POST', replay!.path)).status).not.toBe(415)
  })

  it('JSON with a parameter (charset) or a +json type is JSON; a flow may still be YAML', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/vnd.edgeflow+json']) {
      const response = await call('PUT', `/api/flows/${uniqueId('ctype')}`, FLOW, { 'content-type': type })
      expect(response.status, type).toBe(201)
    }
    const yaml = await call('PUT', `/api/flows/${uniqueId('ctype')}`, 'tasks:\n  - {id: a, type: log, message: hi}\n', {
      'content-type': 'application/yaml',
    })
    expect(yaml.status).toBe(201)
  })
})
