/** @module What the route declarations share: JSON answers, the error answers, the headers they carry. */
// extends zod's ZodType with `.openapi` before the schemas below are built
import '@hono/zod-openapi'
import * as z from 'zod'
import { EXECUTION_HEADER } from '../accepted'
import { Accepted, ErrorBody } from '../../shapes/responses'

const executionIdHeader = {
  [EXECUTION_HEADER]: z.string().openapi({ description: 'the execution this answer is about' }),
}

/** A time in a query (ISO 8601, with its offset), as epoch milliseconds. */
export const Time = z.iso
  .datetime({ offset: true })
  .transform((value) => Date.parse(value))
  .openapi({ type: 'string', format: 'date-time' })

/** The query of a route that takes no parameter: any is refused (400), never ignored unseen. */
export const NoQuery = z.strictObject({})

/** Headers of an answer about one execution. */
export const ExecutionHeaders = z.object(executionIdHeader)

/** Headers of an Accepted answer: where to poll. */
export const AcceptedHeaders = z.object({
  ...executionIdHeader,
  location: z.url().openapi({ description: 'the statusUrl' }),
})

/** A JSON answer (headers undefined: none declared). */
export const json = <T extends z.ZodType, H extends z.ZodObject | undefined = undefined>(
  description: string,
  schema: T,
  headers?: H,
) => ({ description, content: { 'application/json': { schema } }, headers })

/** 202 (or a replay's 201): the execution started or was told, and where to poll it. */
export const acceptedAnswer = <T extends z.ZodType = typeof Accepted>(description: string, schema?: T) =>
  json(description, schema ?? Accepted, AcceptedHeaders)

const RetryAfter = z.object({
  'retry-after': z.string().openapi({ description: 'seconds to wait before trying again' }),
})

const ERRORS = {
  400: 'invalid request: `issues` name every bad field by its path',
  401: 'missing or invalid bearer token',
  403: 'forbidden: the Worker is open for local use (ALLOW_ANONYMOUS_API, no API_TOKEN) and the Host is neither loopback nor in ALLOWED_HOSTS',
  404: 'not found',
  405: 'the flow has no webhook trigger for this method (the allow header lists those it has)',
  409: 'the execution or flow is not in a state that allows it',
  413: 'the request body is over the size limit',
  415: 'unsupported_media_type: the body is not sent as the content type the route takes (the message names it)',
  422: 'the Idempotency-Key or webhook-id was used with another request body',
  429: 'rate_limited or concurrency_limited: nothing was started; retry after retry-after seconds',
  500: "misconfigured (a webhook secret is missing, or the flow's placement names a jurisdiction this runtime lacks) or internal",
} as const

export type ErrorStatus = keyof typeof ERRORS

/**
 * The error answers of a route, each the one Error body; `descriptions` says what a status means
 * there. Every route may answer 403: the open local mode refuses foreign Host names before routing.
 */
export function errors<const S extends ErrorStatus>(statuses: S[], descriptions: Partial<Record<S, string>> = {}) {
  const all: (S | 403)[] = [...statuses, 403]
  return Object.fromEntries(
    all.map((status) => [
      status,
      json(descriptions[status as S] ?? ERRORS[status], ErrorBody, status === 429 ? RetryAfter : undefined),
    ]),
  ) as { [K in S | 403]: ReturnType<typeof json<typeof ErrorBody>> }
}
