/** @module `ANY /hooks/:flowId`: the webhook trigger. */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Env } from '../env'
import { FlowId } from '../domain/flow-ids'
import { ApiError, notFound, refuseInvalid } from './errors'
import { webhookRoute } from './routes/triggers'
import { flowToTrigger, trigger } from './trigger'
import { readSecret, verifySignature } from './webhook-signature'

export const hooks = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })

/** Starts an execution of the flow if one of its webhook triggers takes the request's method (and signature). */
async function webhook(c: Context<{ Bindings: Env }>): Promise<Response> {
  const flowId = c.req.param('flowId') ?? ''
  const flow = FlowId.safeParse(flowId).success ? await flowToTrigger(c, flowId) : null
  if (!flow?.enabled) throw notFound(`flow ${flowId}`)
  const webhooks = (flow.definition.triggers ?? [{ type: 'webhook', methods: ['POST'] }]).filter(
    (each) => each.type === 'webhook',
  )
  if (webhooks.length === 0)
    throw new ApiError({ status: 404, code: 'not_found', message: `flow ${flowId} has no webhook trigger` })
  const methods = [...new Set(webhooks.flatMap((each) => each.methods))]
  if (!methods.includes(c.req.method as (typeof methods)[number])) {
    throw new ApiError({
      status: 405,
      code: 'method_not_allowed',
      message: `flow ${flowId} accepts ${methods.join(', ')}`,
      headers: {
        allow: methods.join(', '),
      },
    })
  }
  const secret = webhooks.find((each) => each.methods.includes(c.req.method as (typeof methods)[number]))?.secret
  if (secret === undefined) return trigger(c, flow, 'webhook')
  // checked at PUT too, but a secret can be deleted or changed since
  const read = readSecret(c.env, secret)
  if (!read.ok)
    throw new ApiError({
      status: 500,
      code: 'misconfigured',
      message: `flow ${flowId} cannot check signatures: ${read.problem}`,
    })
  const body = new Uint8Array(await c.req.raw.clone().arrayBuffer())
  await verifySignature(read.secret, c.req.raw.headers, body, Date.now())
  // a signed delivery is deduplicated by its webhook-id (which the signature covers), as Standard Webhooks intends
  return trigger(c, flow, 'webhook', c.req.header('webhook-id'))
}

// the methods a client would use are declared; HEAD and OPTIONS reach the same handler undeclared.
// Declared only: every part of the route's request is an optional string, which no request can
// fail, so validators would only cost each trigger its time (docs/performance.md, What limits the rest)
for (const method of ['post', 'put', 'patch', 'delete', 'get'] as const)
  hooks.openAPIRegistry.registerPath(webhookRoute(method))
hooks.all('/:flowId', webhook)
