/** @module The code of every error the API answers with (`{"error": {code, message, issues?}}`, api/errors.ts). */
import * as z from 'zod'
import { ExecutionFailureCode } from '../domain/errors'

export const ErrorCode = z.enum([
  'invalid_request',
  'invalid_flow',
  'invalid_input',
  'rate_limited',
  'concurrency_limited',
  'invalid_json',
  'invalid_yaml',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'not_final',
  'idempotency_mismatch',
  'payload_too_large',
  'unsupported_media_type',
  'misconfigured',
  'internal',
  ...ExecutionFailureCode.options,
])
export type ErrorCode = z.infer<typeof ErrorCode>
