/**
 * @module `GET /api/openapi.json`: the HTTP API as OpenAPI 3.1, generated from the routes declared
 * with @hono/zod-openapi (api/routes/) and the shapes of api/shapes.ts, so it cannot drift from the
 * code (docs/architecture.md, The API). Made at build time, not in the Worker: `npm run
 * openapi:json` (test/api/openapi.test.ts) writes it into public/api/, the Worker's static assets,
 * and the same test fails when the committed file is not what the routes make.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import * as z from 'zod'
import { FlowDefinition, Task } from '../flow/schema'
import { StoredTests, TestDocument } from '../flowtest/document'
import { ReplayRequest } from '../flowtest/replay'
import type { Env } from '../env'

/** Keywords whose value maps names to schemas (a property may be called `default` or `description`). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs'])

type Node = Record<string, unknown>

/** `schema` with `change` made to each of its schemas, innermost first. */
function eachSchema(schema: unknown, change: (node: Node) => Node): unknown {
  if (Array.isArray(schema)) return schema.map((item) => eachSchema(item, change))
  if (typeof schema !== 'object' || schema === null) return schema
  const walked = Object.entries(schema).map(([key, field]) => [
    key,
    SCHEMA_MAPS.has(key) && typeof field === 'object' && field !== null
      ? Object.fromEntries(Object.entries(field).map(([name, inner]) => [name, eachSchema(inner, change)]))
      : eachSchema(field, change),
  ])
  return change(Object.fromEntries(walked) as Node)
}

/** As sent: a default said in words (openapi-typescript, at its default settings, makes a field with a `default` required). */
function defaultInWords({ default: value, ...node }: Node): Node {
  if (value === undefined) return node
  const said = `default: ${JSON.stringify(value)}`
  return { ...node, description: typeof node.description === 'string' ? `${node.description} (${said})` : said }
}

/** As stored: a field with a default is always there. */
function defaultRequired(node: Node): Node {
  const properties = node.properties as Record<string, Node> | undefined
  if (!properties) return node
  const defaulted = Object.keys(properties).filter((name) => properties[name]?.default !== undefined)
  if (defaulted.length === 0) return node
  return { ...node, required: [...new Set([...((node.required as string[] | undefined) ?? []), ...defaulted])] }
}

/**
 * The recursive schemas of a flow, as components: zod's own JSON Schema of the definition (which
 * zod-to-openapi cannot walk: tasks nest tasks), its `$defs` lifted to components so that every
 * `$ref` resolves from the document's root. Twice: as it is sent (`FlowDefinition`, `Task`: a field
 * with a default may be left out, its default said in words) and as it is stored and answered, its
 * defaults filled in (`StoredFlowDefinition`, `StoredTask`: those fields are always there).
 */
function flowSchemas(): Record<string, unknown> {
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
  const stored = lifted.replaceAll('"#/components/schemas/', '"#/components/schemas/Stored')
  const prefixed = Object.entries(JSON.parse(stored) as Node).map(([name, schema]) => [`Stored${name}`, schema])
  return {
    ...(eachSchema(JSON.parse(lifted), defaultInWords) as Node),
    ...(eachSchema(Object.fromEntries(prefixed), defaultRequired) as Node),
  }
}

/** A request body declared by its zod schema (a flow test's, docs/testing-flows.md) as it is sent, a default said in words. */
function inputSchema(body: z.ZodType): unknown {
  const { $schema: _draft, ...schema } = z.toJSONSchema(body, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
  })
  return eachSchema(schema, defaultInWords)
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
      { name: 'metrics', description: 'counts and duration percentiles over time, from the index' },
      { name: 'docs', description: 'this document' },
    ],
  })
  return {
    ...document,
    components: {
      ...document.components,
      schemas: {
        ...document.components?.schemas,
        ...flowSchemas(),
        FlowTestDocument: inputSchema(TestDocument),
        FlowStoredTests: inputSchema(StoredTests),
        FlowReplayRequest: inputSchema(ReplayRequest),
      },
    },
  }
}

let document: ReturnType<typeof build> | undefined

/** Built on first use, once per process. */
export const openApiDocument = (app: OpenAPIHono<{ Bindings: Env }>) => (document ??= build(app))
