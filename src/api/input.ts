/** @module The input of an execution started by an HTTP request (docs/architecture.md, Life of a trigger). */
import type { ExecutionInput, Trigger } from '../domain/types'
import { REDACTED } from '../flow/input-headers'
import { jsonTooDeep, MAX_NESTING } from '../flow/nesting'
import type { ErrorCode } from '../shapes/error-code'
import { ApiError } from './errors'

/** The body as text, whatever its content type claims. */
export const bodyText = async (request: Request): Promise<string> =>
  new TextDecoder().decode(await request.arrayBuffer())

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

/** The parsed body: JSON, form fields, or text; an empty body is `{}`. */
export async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type')?.toLowerCase() ?? ''
  if (type.startsWith('multipart/form-data')) {
    return formFields(await parsedBody(() => request.formData(), 'invalid_request', 'multipart/form-data'))
  }
  const text = await bodyText(request)
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
