import { describe, expect, it } from 'vitest'
import { actions } from '../../src/actions/index'
import { call, json } from '../helpers/api'

describe('GET /api/openapi.json', () => {
  it('describes every route, with the flow schema generated from zod', async () => {
    const response = await call('GET', '/api/openapi.json')
    expect(response.status).toBe(200)
    const document = await json(response)
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/flows',
        '/api/flows/{id}',
        '/api/flows/{id}/revisions',
        '/api/flows/{id}/revisions/{revision}',
        '/api/flows/{id}/executions',
        '/hooks/{flowId}',
        '/api/executions',
        '/api/executions/{id}',
        '/api/executions/{id}/task-runs',
        '/api/executions/{id}/logs',
        '/api/executions/{id}/kill',
        '/api/executions/{id}/pause',
        '/api/executions/{id}/resume',
        '/api/executions/{id}/replay',
        '/api/executions/{id}/events/{name}',
      ]),
    )
    const flow = JSON.stringify(document.components.schemas.Flow)
    for (const action of actions) expect(flow).toContain(`"const":"${action.type}"`)
    const parameters = document.paths['/api/executions'].get.parameters.map(
      (parameter: { name: string }) => parameter.name,
    )
    expect(parameters).toEqual(['flowId', 'trigger', 'status', 'parentId', 'since', 'until', 'limit', 'cursor'])
    // flow control and typed inputs
    for (const field of ['"concurrency"', '"rateLimit"', '"input"', '"onLimit"']) expect(flow).toContain(field)
    expect(document.paths['/api/executions'].post.responses).toHaveProperty('429')
    expect(document.paths['/hooks/{flowId}'].post.responses['429'].headers).toHaveProperty('retry-after')
    expect(JSON.stringify(document.components.schemas.AdhocRun)).toContain('"task"')
    expect(JSON.stringify(document.paths['/api/executions'].get.parameters)).toContain('"queued"')
  })
})
