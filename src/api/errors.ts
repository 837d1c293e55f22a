/** @module API errors: one value type, turned into `{"error": {code, message, issues?}}` in one place. */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Issue } from '../flow/issues'
import { fromZod } from '../flow/issues'
import type { z } from 'zod'

export type ErrorCode =
  | 'invalid_request'
  | 'invalid_flow'
  | 'invalid_input'
  | 'rate_limited'
  | 'concurrency_limited'
  | 'invalid_json'
  | 'invalid_yaml'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'not_final'
  | 'idempotency_mismatch'
  | 'payload_too_large'
  | 'misconfigured'
  | 'internal'

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
