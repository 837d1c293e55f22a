/** @module API errors: one value type, turned into `{"error": {code, message, issues?}}` in one place. */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Issue } from '../flow/issues'
import { fromZod } from '../flow/issues'
import * as z from 'zod'
import type { ErrorCode } from '../shapes/error-code'

export interface ApiErrorInit {
  status: ContentfulStatusCode
  code: ErrorCode
  message: string
  /** Every bad field, with its path. */
  issues?: Issue[] | undefined
  /** Headers the answer carries (`Retry-After`, `x-execution-id`). */
  headers?: Record<string, string>
}

export class ApiError extends Error {
  readonly type = 'api_error'
  readonly status: ContentfulStatusCode
  readonly code: ErrorCode
  readonly issues: Issue[] | undefined
  readonly headers: Record<string, string>

  constructor(init: ApiErrorInit) {
    super(init.message)
    this.status = init.status
    this.code = init.code
    this.issues = init.issues
    this.headers = init.headers ?? {}
  }
}

export const notFound = (what: string) => new ApiError({ status: 404, code: 'not_found', message: `${what} not found` })

/** Parses `value` with `schema` or throws a 400 listing every bad field. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = 'invalid_request',
  what = 'request',
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new ApiError({ status: 400, code, message: `invalid ${what}`, issues: fromZod(parsed.error) })
}

export function errorResponse(c: Context, error: ApiError): Response {
  const body = {
    error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
  }
  return c.json(body, error.status, error.headers)
}

/** What a validation target is called in the message of its 400. */
const TARGETS: Record<string, string> = { query: 'query', param: 'path parameter', header: 'header', json: 'body' }

/**
 * The `defaultHook` of every OpenAPIHono router: a request the declared zod schemas refuse is the
 * usual 400 `invalid_request`, each issue with the path of its field.
 */
export function refuseInvalid(result: { success: true } | { success: false; error: z.ZodError; target: string }): void {
  if (result.success) return
  throw new ApiError({
    status: 400,
    code: 'invalid_request',
    message: `invalid ${TARGETS[result.target] ?? result.target}`,
    issues: result.target === 'query' ? queryIssues(result.error) : fromZod(result.error),
  })
}

/** A query's issues, each unknown parameter its own, named by its path (the query schemas are strict). */
function queryIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'not a query parameter of this route' }))
      : fromZod(new z.ZodError([issue])),
  )
}
