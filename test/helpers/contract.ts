/**
 * Checks a live answer against the OpenAPI document the Worker serves (README, The API contract),
 * with @cfworker/json-schema — a validator this project did not write, and the one the engine runs.
 */
import { Validator, type Schema } from '@cfworker/json-schema'
import { call } from './api'
import { templateOf } from './path-template'

interface MediaType {
  schema?: Schema
}
interface Header {
  required?: boolean
}
interface ResponseObject {
  content?: Record<string, MediaType>
  headers?: Record<string, Header>
}
interface Operation {
  responses: Record<string, ResponseObject>
}
interface Document {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Schema> }
}

let served: Promise<Document> | undefined
const documentOf = () => (served ??= call('GET', '/api/openapi.json').then((response) => response.json<Document>()))

/** The declared answer for `status`: its own, its range (`4XX`), or `default`. */
const declared = (operation: Operation, status: number): ResponseObject | undefined =>
  operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default

/** What is wrong with `response` (to `method path`) by the document: none when it conforms. */
export async function contractProblems(method: string, path: string, response: Response): Promise<string[]> {
  const document = await documentOf()
  const lower = method.toLowerCase()
  const url = new URL(path, 'http://x')
  const template = templateOf(document.paths, lower, url.pathname)
  if (!template) return [`${method} ${url.pathname} is not in the document`]
  const operation = document.paths[template]![lower]!
  const where = `${method} ${template} → ${response.status}`
  const answer = declared(operation, response.status)
  if (!answer) return [`${where}: the status is not declared`]
  const problems: string[] = []
  for (const [name, header] of Object.entries(answer.headers ?? {}))
    if (header.required && !response.headers.has(name)) problems.push(`${where}: header ${name} is missing`)
  // decoded here: workerd warns on .text() of a type it does not know as text (NDJSON)
  const text = new TextDecoder().decode(await response.clone().arrayBuffer())
  if (text === '') return problems
  if (!answer.content) return [...problems, `${where}: a body, where the document declares none`]
  const type = response.headers.get('content-type')?.split(';')[0]?.trim() ?? ''
  const media = answer.content[type] ?? answer.content['*/*']
  if (!media) return [...problems, `${where}: content type ${type} is not declared`]
  // one JSON document (application/json, …+json), not NDJSON's one a line
  if (!/^application\/([\w.-]+\+)?json$/.test(type) || !media.schema) return problems
  const schema = { ...(media.schema as object), components: document.components } as Schema
  const result = new Validator(schema, '2020-12', false).validate(JSON.parse(text))
  if (!result.valid)
    problems.push(
      `${where}: ${text.slice(0, 300)} does not match: ${result.errors
        .slice(-3)
        .map((error) => `${error.instanceLocation} ${error.error}`)
        .join('; ')}`,
    )
  return problems
}
