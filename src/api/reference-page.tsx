/**
 * @module `GET /api/docs`: the API reference as one HTML page in the dashboard's shell, rendered at
 * build time from the OpenAPI document the Worker serves (api/openapi.ts; both are static assets,
 * public/api/) — nothing from a CDN, so it works offline, and a test fails when it shows another
 * API than the routes declare.
 */
import type { Child } from 'hono/jsx'
import { Shell } from '../dashboard/pages/components'
import type { openApiDocument } from './openapi'

type Document = ReturnType<typeof openApiDocument>

/** The parts of a schema or reference object this page reads. */
interface Schema {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  format?: string
  description?: string
  default?: unknown
}

interface Parameter {
  name: string
  in: string
  required?: boolean
  description?: string
  schema?: Schema
}

interface Media {
  schema?: Schema
}

interface Response {
  description: string
  headers?: Record<string, { description?: string; schema?: Schema }>
  content?: Record<string, Media>
}

interface Operation {
  operationId?: string
  summary?: string
  description?: string
  tags?: string[]
  security?: unknown[]
  parameters?: Parameter[]
  requestBody?: { description?: string; required?: boolean; content?: Record<string, Media> }
  responses?: Record<string, Response>
}

const PREFIX = '#/components/schemas/'
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const

const anchorOf = (name: string) => `schema-${name}`

/** A schema in a few words, its components linked. */
function TypeOf({ schema }: { schema: Schema | undefined }): Child {
  if (!schema || Object.keys(schema).length === 0) return <span class="muted">any</span>
  if (schema.$ref?.startsWith(PREFIX)) {
    const name = schema.$ref.slice(PREFIX.length)
    return <a href={`#${anchorOf(name)}`}>{name}</a>
  }
  const union = schema.oneOf ?? schema.anyOf ?? schema.allOf
  if (union)
    return (
      <>
        {union.map((each, index) => (
          <>
            {index > 0 ? (schema.allOf ? ' & ' : ' | ') : ''}
            <TypeOf schema={each} />
          </>
        ))}
      </>
    )
  if (schema.const !== undefined) return <code>{JSON.stringify(schema.const)}</code>
  if (schema.enum) return <code>{schema.enum.map((value) => JSON.stringify(value)).join(' | ')}</code>
  if (schema.items)
    return (
      <>
        <TypeOf schema={schema.items} />
        []
      </>
    )
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any')
  return <code>{schema.format ? `${type} (${schema.format})` : type}</code>
}

/** JSON text with every component reference a link. */
function LinkedJson({ value }: { value: unknown }) {
  const text = JSON.stringify(value, null, 2)
  const parts = text.split(/("#\/components\/schemas\/[^"]+")/)
  return (
    <pre>
      {parts.map((part) =>
        part.startsWith(`"${PREFIX}`) ? <a href={`#${anchorOf(part.slice(PREFIX.length + 1, -1))}`}>{part}</a> : part,
      )}
    </pre>
  )
}

function Parameters({ parameters }: { parameters: Parameter[] }) {
  return (
    <table>
      <caption>Parameters</caption>
      <thead>
        <tr>
          <th>name</th>
          <th>in</th>
          <th>type</th>
          <th>description</th>
        </tr>
      </thead>
      <tbody>
        {parameters.map((parameter) => (
          <tr>
            <td class="mono">
              {parameter.name}
              {parameter.required ? ' (required)' : ''}
            </td>
            <td>{parameter.in}</td>
            <td>
              <TypeOf schema={parameter.schema} />
              {parameter.schema?.default === undefined ? '' : ` = ${JSON.stringify(parameter.schema.default)}`}
            </td>
            <td>{parameter.description ?? parameter.schema?.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Contents({ content }: { content: Record<string, Media> | undefined }) {
  if (!content) return null
  return (
    <ul>
      {Object.entries(content).map(([type, media]) => (
        <li>
          <code>{type}</code>: <TypeOf schema={media.schema} />
        </li>
      ))}
    </ul>
  )
}

function Responses({ responses }: { responses: Record<string, Response> }) {
  return (
    <table>
      <caption>Responses</caption>
      <thead>
        <tr>
          <th>status</th>
          <th>body</th>
          <th>headers</th>
          <th>when</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(responses).map(([status, response]) => (
          <tr>
            <td class="mono">{status}</td>
            <td>
              <Contents content={response.content} />
            </td>
            <td class="mono">{Object.keys(response.headers ?? {}).join(', ')}</td>
            <td>{response.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function OperationSection({ method, path, operation }: { method: string; path: string; operation: Operation }) {
  return (
    <section id={operation.operationId} class="operation">
      <h3>
        <code>
          {method.toUpperCase()} {path}
        </code>{' '}
        {operation.summary}
      </h3>
      <p class="muted mono">
        {operation.operationId}
        {operation.security?.length === 0 ? ' · no bearer token' : ''}
      </p>
      {operation.description ? <p>{operation.description}</p> : null}
      {operation.parameters?.length ? <Parameters parameters={operation.parameters} /> : null}
      {operation.requestBody ? (
        <>
          <h4>Request body{operation.requestBody.required ? ' (required)' : ''}</h4>
          {operation.requestBody.description ? <p>{operation.requestBody.description}</p> : null}
          <Contents content={operation.requestBody.content} />
        </>
      ) : null}
      {operation.responses ? <Responses responses={operation.responses} /> : null}
    </section>
  )
}

/** Every operation of the document, with its path and method, grouped by its first tag. */
function operationsOf(document: Document) {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method]
      return operation ? [{ path, method, operation }] : []
    }),
  )
  return (document.tags ?? []).map((tag) => ({
    tag,
    operations: operations.filter(({ operation }) => operation.tags?.[0] === tag.name),
  }))
}

export function ReferencePage({ document }: { document: Document }) {
  const groups = operationsOf(document)
  const schemas = Object.entries(document.components?.schemas ?? {})
  return (
    <Shell title="API reference" section="api" signOut={false}>
      <>
        <h1>
          {document.info.title} API reference <span class="muted">{document.info.version}</span>
        </h1>
        <p>{document.info.description}</p>
        <p>
          Generated from <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI {document.openapi}). Send{' '}
          <code>Authorization: Bearer &lt;API_TOKEN&gt;</code> to every <code>/api</code> route.
        </p>
        <nav aria-label="Operations">
          {groups.map(({ tag, operations }) => (
            <>
              <h2>{tag.name}</h2>
              <ul>
                {operations.map(({ method, path, operation }) => (
                  <li>
                    <a href={`#${operation.operationId}`}>
                      <code>
                        {method.toUpperCase()} {path}
                      </code>
                    </a>{' '}
                    {operation.summary}
                  </li>
                ))}
              </ul>
            </>
          ))}
          <h2>
            <a href="#schemas">Schemas</a>
          </h2>
        </nav>
        {groups.map(({ tag, operations }) => (
          <>
            <h2>{tag.name}</h2>
            {tag.description ? <p>{tag.description}</p> : null}
            {operations.map((each) => (
              <OperationSection {...each} />
            ))}
          </>
        ))}
        <h2 id="schemas">Schemas</h2>
        {schemas.map(([name, schema]) => (
          <section id={anchorOf(name)}>
            <h3>{name}</h3>
            <LinkedJson value={schema} />
          </section>
        ))}
      </>
    </Shell>
  )
}
