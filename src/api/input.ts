/** @module The input of an execution started by an HTTP request (docs/architecture.md, Life of a trigger). */
import type { ExecutionInput, Trigger } from '../domain/types'
import { REDACTED } from '../flow/input-headers'
import { parse as parseYaml } from 'yaml'
import { jsonTooDeep, MAX_NESTING, yamlTooDeep } from '../flow/nesting'
import type { ErrorCode } from '../shapes/error-code'
import { ApiError } from './errors'

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
/** Keeps a byte order mark as U+FEFF, so that offsets count every byte. */
const counting = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/**
 * The body as UTF-8 text, which JSON and YAML must be, or a 400 `code` naming the first bad byte:
 * decoded leniently, bad bytes would become U+FFFD and the sender's data would change unseen.
 */
export async function utf8Body(request: Request, code: ErrorCode, what: string): Promise<string> {
  const bytes = new Uint8Array(await request.arrayBuffer())
  try {
    return strict.decode(bytes)
  } catch {
    throw new ApiError({
      status: 400,
      code,
      message: `the request body is not valid ${what}: it is not UTF-8 (byte ${firstBadByte(bytes)} starts no valid sequence)`,
    })
  }
}

/** The offset of the first byte of `bytes` that is not part of a valid UTF-8 sequence. */
function firstBadByte(bytes: Uint8Array): number {
  const text = counting.decode(bytes)
  let offset = 0
  for (const character of text) {
    const size = utf8Size(character.codePointAt(0) as number)
    // a U+FFFD that is not the three bytes EF BF BD in the body stands for bad bytes
    if (character === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd))
      return offset
    offset += size
  }
  return offset
}

const utf8Size = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4)

const tooDeep = () =>
  new ApiError({
    status: 400,
    code: 'invalid_request',
    message: `the request body nests arrays and objects deeper than ${MAX_NESTING} levels`,
  })

/** JSON text parsed, or a 400; nesting past the limit gets `tooDeep()` before anything recurses over it. */
export function parseJson(text: string, tooDeep: () => Error): Promise<unknown> {
  if (jsonTooDeep(text)) throw tooDeep()
  return parsedBody(() => JSON.parse(text), 'invalid_json', 'JSON')
}

/** What `parse` makes of a body, or a 400 `code` saying it is not valid `what`. */
export async function parsedBody<T>(parse: () => T | Promise<T>, code: ErrorCode, what: string): Promise<T> {
  try {
    return await parse()
  } catch (error) {
    throw new ApiError({
      status: 400,
      code,
      message: `the request body is not valid ${what}: ${(error as Error).message}`,
    })
  }
}

/** A JSON media type: `application/json`, or a `+json` one (`application/problem+json`). */
export const isJsonType = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json')

/** The media type of the body, lowercase, without its parameters ('' when none is sent). */
export const mediaTypeOf = (request: Request) =>
  (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''

/** What a route that takes JSON accepts. */
export const JSON_BODY = { 'application/json': isJsonType }

/**
 * Refuses (415) a body of a route that takes JSON (or another of `types`) when its content type is
 * none of them: a form or text is never guessed to be JSON (README, Responses). An empty body passes.
 */
export async function requireMediaType(request: Request, types: Record<string, (mediaType: string) => boolean>) {
  const mediaType = mediaTypeOf(request)
  if (Object.values(types).some((accepts) => accepts(mediaType))) return
  if (request.body === null || (await request.clone().arrayBuffer()).byteLength === 0) return
  throw new ApiError({
    status: 415,
    code: 'unsupported_media_type',
    message: `this route takes ${Object.keys(types).join(' or ')} (content-type: ${mediaType || 'none'})`,
  })
}

/** The parsed body: JSON, form fields, or text; an empty body is `{}`. */
export async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type')?.toLowerCase() ?? ''
  if (type.startsWith('multipart/form-data')) {
    return formFields(await parsedBody(() => request.formData(), 'invalid_request', 'multipart/form-data'))
  }
  const text = type.includes('json')
    ? await utf8Body(request, 'invalid_json', 'JSON')
    : await utf8Body(request, 'invalid_request', 'text')
  if (text.trim() === '') return {}
  if (type.includes('json')) return parseJson(text, tooDeep)
  if (type.startsWith('application/x-www-form-urlencoded')) return formFields(new URLSearchParams(text))
  return text
}

function formFields(form: FormData | URLSearchParams): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [name, value] of form) {
    const field = typeof value === 'string' ? value : { filename: value.name, type: value.type, size: value.size }
    const existing = fields[name]
    fields[name] = existing === undefined ? field : Array.isArray(existing) ? [...existing, field] : [existing, field]
  }
  return fields
}

/** The input of an execution started by a webhook's `request`, its `redacted` headers' values replaced. */
export function requestInput(
  request: Request,
  trigger: Trigger,
  body: unknown,
  now: number,
  redacted: ReadonlySet<string>,
): ExecutionInput {
  const url = new URL(request.url)
  const headers: Record<string, string> = {}
  for (const [name, value] of request.headers) headers[name] = redacted.has(name) ? REDACTED : value
  const cf = (request as { cf?: { country?: unknown; colo?: unknown } }).cf
  return {
    headers,
    body,
    metadata: {
      trigger,
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ip: request.headers.get('cf-connecting-ip') ?? request.headers.get('x-real-ip'),
      userAgent: request.headers.get('user-agent'),
      country: typeof cf?.country === 'string' ? cf.country : null,
      colo: typeof cf?.colo === 'string' ? cf.colo : null,
      receivedAt: new Date(now).toISOString(),
    },
  }
}

const isYamlType = (mediaType: string) => mediaType.includes('yaml')
const JSON_OR_YAML = { ...JSON_BODY, 'application/yaml': isYamlType }

/** The text of a document in a request body, and whether it is YAML (by its content type) or JSON. */
export async function jsonOrYamlText(request: Request): Promise<{ text: string; yaml: boolean }> {
  await requireMediaType(request, JSON_OR_YAML)
  const yaml = isYamlType(mediaTypeOf(request))
  return { text: await utf8Body(request, yaml ? 'invalid_yaml' : 'invalid_json', yaml ? 'YAML' : 'JSON'), yaml }
}

/** A document's text parsed; nesting is bounded before parsing. */
export function parsedJsonOrYaml(
  { text, yaml }: { text: string; yaml: boolean },
  tooDeep: () => Error,
): Promise<unknown> {
  if (!yaml) return parseJson(text, tooDeep)
  if (yamlTooDeep(text)) throw tooDeep()
  return parsedBody(() => parseYaml(text), 'invalid_yaml', 'YAML')
}

/** A document in a request body: JSON, or YAML with a YAML content type; nesting is bounded before parsing. */
export async function jsonOrYamlBody(request: Request, tooDeep: () => Error): Promise<unknown> {
  return parsedJsonOrYaml(await jsonOrYamlText(request), tooDeep)
}
