/**
 * @module `GET /api/openapi.json`: the HTTP API as OpenAPI 3.1, generated from the routes declared
 * with @hono/zod-openapi (api/routes/) and the shapes of api/shapes.ts, so it cannot drift from the
 * code (docs/architecture.md, The API).
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { FlowDefinition, Task } from '../flow/schema'
import type { Env } from '../env'

/**
 * The recursive schemas of a flow, as components: zod's own JSON Schema of the definition (which
 * zod-to-openapi cannot walk: tasks nest tasks), its `$defs` lifted to components so that every
 * `$ref` resolves from the document's root.
 */
function flowSchemas(): Record<string, object> {
  const ids = z.registry<{ id: string }>()
  ids.add(Task, { id: 'Task' })
  const {
    $schema: _draft,
    $defs,
    ...definition
  } = z.toJSONSchema(FlowDefinition, {
    io: 'input',
    unrepresentable: 'any',
    cycles: 'ref',
    reused: 'inline',
    metadata: ids,
  })
  const lifted = JSON.stringify({ FlowDefinition: definition, ...$defs }).replaceAll(
    '"#/$defs/',
    '"#/components/schemas/',
  )
  return JSON.parse(lifted) as Record<string, object>
}

function build(app: OpenAPIHono<{ Bindings: Env }>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'the API_TOKEN secret',
  })
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'edgeflow',
      version: '0.1.0',
      description:
        'Durable flow executions on Cloudflare Workers. Errors answer {"error": {code, message, issues?}}; every issue names the path of a bad field. A human-readable reference is served at /api/docs.',
    },
    servers: [{ url: '/', description: 'the Worker serving this document' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'flows', description: 'flow definitions and their revisions' },
      { name: 'executions', description: 'starting, reading and operating executions' },
      { name: 'triggers', description: 'webhooks: no bearer token' },
      { name: 'docs', description: 'this document' },
    ],
  })
  return {
    ...document,
    components: { ...document.components, schemas: { ...document.components?.schemas, ...flowSchemas() } },
  }
}

let document: ReturnType<typeof build> | undefined

/** Built on first use, once per isolate. */
export const openApiDocument = (app: OpenAPIHono<{ Bindings: Env }>) => (document ??= build(app))
