import { describe, expect, it } from 'vitest'
import { actions } from '../../src/actions/index'
import { app } from '../../src/api/app'
import { openApiDocument } from '../../src/api/openapi'
import { ReferencePage } from '../../src/api/reference-page'
import { call, json } from '../helpers/api'

/** Every `$ref` in a JSON value. */
const refsOf = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!)

/** The document as the routes make it, and the reference page made from it (public/api/). */
const made = () => `${JSON.stringify(openApiDocument(app), null, 2)}\n`
const page = () => String(ReferencePage({ document: openApiDocument(app) }))

describe('GET /api/openapi.json', () => {
  it('is the committed public/api/openapi.json, made from the routes (regenerate: npm run openapi:json), so a change shows in the diff', async () => {
    await expect(made()).toMatchFileSnapshot('../../public/api/openapi.json')
    await expect(page()).toMatchFileSnapshot('../../public/api/docs.html')
  })

  it('is served as the static asset public/api/openapi.json, and the reference page as public/api/docs.html', async () => {
    const response = await call('GET', '/api/openapi.json')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.text()).toBe(made())
    expect(await (await call('GET', '/api/docs')).text()).toBe(page())
  })

  it('declares every route with an operationId, a summary and its answers, and every $ref resolves', async () => {
    const document = await json(call('GET', '/api/openapi.json'))
    expect(document.openapi).toBe('3.1.0')
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as object).map(([method, operation]) => ({ path, method, ...operation })),
    )
    expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual(
      expect.arrayContaining([
        'put /api/flows/{id}',
        'get /api/flows',
        'get /api/flows/{id}',
        'delete /api/flows/{id}',
        'get /api/flows/{id}/revisions',
        'get /api/flows/{id}/revisions/{revision}',
        'post /api/flows/{id}/executions',
        'post /hooks/{flowId}',
        'get /hooks/{flowId}',
        'post /api/executions',
        'get /api/executions',
        'get /api/executions/{id}',
        'delete /api/executions/{id}',
        'get /api/executions/{id}/task-runs',
        'get /api/executions/{id}/task-runs/totals',
        'get /api/executions/{id}/logs',
        'post /api/executions/{id}/kill',
        'post /api/executions/{id}/pause',
        'post /api/executions/{id}/resume',
        'post /api/executions/{id}/replay',
        'post /api/executions/{id}/events/{name}',
        'get /api/openapi.json',
      ]),
    )
    for (const operation of operations) {
      expect(operation.operationId, `${operation.method} ${operation.path}`).toBeTruthy()
      expect(operation.summary, `${operation.method} ${operation.path}`).toBeTruthy()
      expect(Object.keys(operation.responses).some((status) => status.startsWith('4'))).toBe(true)
    }
    for (const ref of new Set(refsOf(document))) {
      const name = ref.replace('#/components/schemas/', '')
      expect(document.components.schemas, ref).toHaveProperty([name])
    }
  })

  it('shows the flow definition generated from zod, recursive tasks included', async () => {
    const document = await json(call('GET', '/api/openapi.json'))
    const { FlowDefinition, Task } = document.components.schemas
    for (const action of actions) expect(JSON.stringify(Task)).toContain(`"const":"${action.type}"`)
    for (const field of ['concurrency', 'rateLimit', 'input', 'tasks'])
      expect(FlowDefinition.properties).toHaveProperty(field)
    expect(FlowDefinition.properties.tasks.items).toEqual({ $ref: '#/components/schemas/Task' })
    expect(JSON.stringify(document.components.schemas.AdhocRun)).toContain('"task"')
  })

  it('declares the query parameters, headers and limits the code validates and answers with', async () => {
    const document = await json(call('GET', '/api/openapi.json'))
    const list = document.paths['/api/executions'].get
    expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
      'flowId',
      'trigger',
      'status',
      'parentId',
      'replayOf',
      'idPrefix',
      'error',
      'since',
      'until',
      'label',
      'limit',
      'cursor',
    ])
    expect(JSON.stringify(list.parameters)).toContain('"queued"')
    const webhook = document.paths['/hooks/{flowId}'].post
    expect(webhook.security).toEqual([])
    expect(webhook.responses['429'].headers).toHaveProperty('retry-after')
    expect(webhook.responses['202'].headers).toHaveProperty('location')
    expect(webhook.responses['202'].headers).toHaveProperty('x-execution-id')
    expect(document.paths['/api/executions'].post.responses).toHaveProperty('429')
    expect(
      document.paths['/api/executions/{id}/replay'].post.responses['201'].content['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/ReplayCreated',
    })
  })
})
