/** @module What every trigger route declares: the input body it takes and how it answers (docs/architecture.md, Life of a trigger). */
import { createRoute, z } from '@hono/zod-openapi'
import type { HTTP_METHODS } from '../../actions/http'
import { acceptedAnswer, errors, ExecutionHeaders } from './common'

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

/** How a trigger answers: the sync output, 202 and where to poll, or why nothing started. */
export const triggerAnswers = {
  200: {
    description:
      "a sync flow's output, as its return task decided it (status, body and headers: another status than 200 is possible); a flow that ended without one answers 200 {}",
    headers: ExecutionHeaders,
    content: { 'application/json': { schema: {} }, '*/*': { schema: {} } },
  },
  202: acceptedAnswer(
    'an async flow, or a sync one past its syncTimeout: where to poll; status "queued" while it waits for a concurrency slot',
  ),
  ...errors([400, 404, 409, 413, 422, 429, 500], {
    400: 'invalid request, or code invalid_input: the body does not match the flow input schema (the execution was created and failed; issues have paths)',
    404: 'no such flow, or it is disabled',
    409: 'the execution this Idempotency-Key names could not start',
    500: 'code internal, or a sync flow that failed or was killed answers its error',
  }),
}

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
    responses: {
      ...triggerAnswers,
      ...errors([401, 405], { 401: 'a missing or bad signature (a trigger with a secret)' }),
    },
  })
