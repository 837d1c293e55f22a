/** @module What every trigger route declares: the input body it takes and how it answers (docs/architecture.md, Life of a trigger). */
import { createRoute } from '@hono/zod-openapi'
import * as z from 'zod'
import type { HTTP_METHODS } from '../../actions/http'
import { Accepted, ErrorBody, ExecutionFailureBody, FlowAnswer, Gathered } from '../../shapes/responses'
import { AcceptedHeaders, errors, ExecutionHeaders, type ErrorStatus } from './common'

/** Any body: JSON, form fields or text become the execution's `input.body` (a flow's input schema may check it). */
export const InputBody = {
  description:
    "the execution's input.body: JSON, form fields, or text; empty is {}. A flow with an input schema checks it",
  required: false,
  content: {
    'application/json': { schema: {} },
    'application/x-www-form-urlencoded': { schema: { type: 'object' as const } },
    'multipart/form-data': { schema: { type: 'object' as const } },
    'text/plain': { schema: { type: 'string' as const } },
  },
}

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({ description: 'the same key answers the same execution; another body with it is refused (422)' }),
})

/** An answer a `return` task decided (with `x-execution-id`), or, where `api` is given, that one of the API's. */
function decided(description: string, api?: z.ZodType, apiHeaders?: z.ZodObject) {
  const schema = api ? z.union([api, FlowAnswer]) : FlowAnswer
  // the API's own errors need not name an execution
  const optional = ExecutionHeaders.partial()
  return {
    description,
    headers: api ? (apiHeaders ? optional.extend(apiHeaders.shape) : optional) : ExecutionHeaders,
    content: { 'application/json': { schema }, '*/*': { schema: FlowAnswer } },
  }
}

const FLOW_DECIDED = 'or the status and body a return task decided (any JSON, or text in its content type)'

/**
 * How a trigger answers (README, Responses): a sync flow's output — whatever status 200-499 and body
 * its `return` task decided, so each status the API answers itself may also be the flow's —, 202 and
 * where to poll, 500 with the failure of the execution, or why nothing started. `statuses` and
 * `descriptions` are the API's own errors on this route.
 */
export function triggerAnswers<const S extends ErrorStatus>(statuses: S[], descriptions: Partial<Record<S, string>>) {
  const own = errors(statuses, descriptions)
  const either = Object.fromEntries(
    Object.entries(own).map(([status, answer]) => [
      status,
      decided(`${answer.description}; ${FLOW_DECIDED}`, ErrorBody, answer.headers),
    ]),
  )
  return {
    200: decided("a sync flow's output, as its return task decided it; a flow that ended without one answers {}"),
    ...either,
    202: decided(
      `an async flow, or a sync one past its syncTimeout: where to poll (status "queued" while it waits for a concurrency slot); a trigger a debounce or batch gathered: the execution it joined (Gathered); ${FLOW_DECIDED}`,
      z.union([Accepted, Gathered]),
      // a return's 202 has no location
      AcceptedHeaders.partial({ location: true }),
    ),
    500: {
      description:
        'a sync flow that failed (code execution_failed, with the task, its run and attempt) or was killed (execution_killed); code internal or misconfigured when the API failed',
      headers: ExecutionHeaders.partial(),
      content: { 'application/json': { schema: z.union([ExecutionFailureBody, ErrorBody]) } },
    },
    '2XX': decided(`another status a return task decided`),
    '3XX': decided(`a redirection a return task decided`),
    '4XX': decided(`another status a return task decided`),
  }
}

/** The API's own answers of every trigger route. */
const TRIGGER_ERRORS = [400, 404, 409, 413, 422, 429, 500] as const
const TRIGGER_DESCRIPTIONS = {
  400: 'invalid request, or code invalid_input: the body does not match the flow input schema (the execution was created and failed; issues have paths)',
  404: 'no such flow, or it is disabled',
  409: 'the execution this Idempotency-Key names could not start',
}

/** The answers of the manual trigger. */
export const startAnswers = triggerAnswers([...TRIGGER_ERRORS, 401], TRIGGER_DESCRIPTIONS)

/** The answers of an ad-hoc run, whose body is JSON. */
export const adhocAnswers = triggerAnswers([...TRIGGER_ERRORS, 401, 415], TRIGGER_DESCRIPTIONS)

const SignatureHeaders = IdempotencyHeaders.extend({
  'webhook-id': z
    .string()
    .optional()
    .openapi({ description: 'Standard Webhooks: a signed delivery is deduplicated by it' }),
  'webhook-timestamp': z.string().optional().openapi({ description: 'Standard Webhooks: seconds since the epoch' }),
  'webhook-signature': z
    .string()
    .optional()
    .openapi({ description: 'Standard Webhooks: required when the trigger names a secret' }),
})

/** The webhook trigger for one of the methods a webhook trigger may accept (HTTP_METHODS). */
export const webhookRoute = <M extends Lowercase<(typeof HTTP_METHODS)[number]>>(method: M) =>
  createRoute({
    method,
    path: '/{flowId}',
    operationId: `webhook${method[0]?.toUpperCase()}${method.slice(1)}`,
    summary: `Start an execution of a flow by webhook (${method.toUpperCase()})`,
    description:
      "Only the methods of the flow's webhook triggers are accepted (POST when it has no triggers). Needs no bearer token; a trigger with a secret needs a Standard Webhooks signature.",
    tags: ['triggers'],
    security: [],
    request: {
      params: z.object({ flowId: z.string() }),
      headers: SignatureHeaders,
      ...(method === 'get' || method === 'head' ? {} : { body: InputBody }),
    },
    responses: triggerAnswers([...TRIGGER_ERRORS, 401, 405], {
      ...TRIGGER_DESCRIPTIONS,
      401: 'a missing or bad signature (a trigger with a secret)',
    }),
  })
