/** @module API errors: one value type, turned into `{"error": {code, message, issues?}}` in one place. */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Issue } from '../flow/issues'
import { fromZod } from '../flow/issues'
import type { z } from 'zod'

export type ErrorCode =
  | 'invalid_request'
  | 'invalid_flow'
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

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`)

/** Parses `value` with `schema` or throws a 400 listing every bad field. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = 'invalid_request',
  what = 'request',
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new ApiError(400, code, `invalid ${what}`, fromZod(parsed.error))
}

export function errorResponse(c: Context, error: ApiError): Response {
  const body = {
    error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
  }
  return c.json(body, error.status, error.headers)
}
