/** @module The Hono app: routers per resource, auth and body limits, one error mapper. */
import { OpenAPIHono } from '@hono/zod-openapi'
import { HTTPException } from 'hono/http-exception'
import type { Env } from '../env'
import { ApiError, errorResponse, refuseInvalid } from './errors'
import { executions } from './executions'
import { flows } from './flows'
import { flowTests } from './flow-tests'
import { storedTests } from './stored-tests'
import { hooks } from './hooks'
import { metrics } from './metrics'
import { apiAuth } from './middleware/auth'
import { requestBodyLimit } from './middleware/body-limit'
import { d1Session } from './middleware/d1-session'
import { localHostOnly } from './middleware/local-host'
import { openApiRoute, referenceRoute } from './routes/docs'
import { dashboard } from '../dashboard/routes'
import { isRevoked, revokeSession } from '../store/d1/revoked-sessions'
import { log } from '../log'
import { JurisdictionUnavailable } from '../objects/placed-ids'

/** An app with what every request passes first: the local host check and the body limit. */
function guarded() {
  const guardedApp = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })
  // before anything else: in the open local mode a rebound name must not reach a route
  guardedApp.use('*', localHostOnly())
  guardedApp.use('*', requestBodyLimit())
  return guardedApp
}

export const app = guarded()

/** The webhook's routes, behind the D1 session they read flows through. */
function mountHooks(on: OpenAPIHono<{ Bindings: Env }>): void {
  on.use('/hooks/*', d1Session())
  on.route('/hooks', hooks)
}

/**
 * The OpenAPI document and its reference page are made at build time from these routes
 * (api/openapi.ts; `npm run openapi:json` writes them into public/api/, a test fails when they are
 * stale): static assets, which the Worker answers behind its checks rather than generating them.
 */
function staticAsset(route: typeof referenceRoute | typeof openApiRoute): void {
  app.openAPIRegistry.registerPath(route)
  app.get(route.path, (c) => c.env.ASSETS.fetch(c.req.raw))
}

// the reference describes the API and holds no data: it is open, so the dashboard can link to it
staticAsset(referenceRoute)
app.use('/api/*', apiAuth())
app.use('/api/*', d1Session())
mountHooks(app)
app.route('/api/flows', flows)
app.route('/api/executions', executions)
app.route('/api', metrics)
app.route('/api', flowTests)
app.route('/api', storedTests)
staticAsset(openApiRoute)
// the dashboard reads and operates through this same app, and keeps its sign-outs in D1
app.route(
  '/',
  dashboard((request, env, ctx) => app.fetch(request, env, ctx), { revoked: isRevoked, revoke: revokeSession }),
)

/**
 * `/hooks/:flowId` — the path every webhook takes — on its own: the same checks, middleware,
 * handlers and errors as in `app`, routed among the webhook's few routes. The whole API's 172 routes
 * go through Hono's trie router (its regular-expression router refuses `/api/executions/counts`
 * beside `/api/executions/:id`), a cost each execution's trigger paid (docs/performance.md, What
 * limits the rest).
 */
export const hooksApp = guarded()
mountHooks(hooksApp)

/** Whether `app` would route the request to the webhook: `/hooks/` and one path segment. */
export const isHookUrl = (url: string) => /^[a-z]+:\/\/[^/]+\/hooks\/[^/?#]+(?:[?#]|$)/i.test(url)

for (const each of [app, hooksApp]) answerErrors(each)

function answerErrors(answering: OpenAPIHono<{ Bindings: Env }>): void {
  answering.notFound((c) =>
    errorResponse(
      c,
      new ApiError({
        status: 404,
        code: 'not_found',
        message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      }),
    ),
  )

  answering.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error)
    // a flow placed in a jurisdiction, run where there are none (wrangler dev)
    if (error instanceof JurisdictionUnavailable)
      return errorResponse(c, new ApiError({ status: 500, code: 'misconfigured', message: error.message }))
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(
        c,
        new ApiError({ status: error.status as 400, code: 'invalid_request', message: error.message }),
      )
    }
    log.error('unexpected error', { method: c.req.method, path: new URL(c.req.url).pathname }, error)
    return errorResponse(c, new ApiError({ status: 500, code: 'internal', message: 'internal error' }))
  })
}
