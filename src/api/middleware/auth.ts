/** @module Bearer-token auth for `/api/*` (docs/architecture.md, The API), compared in constant time. */
import type { MiddlewareHandler } from 'hono'
import { timingSafeEqual } from 'hono/utils/buffer'
import { accessOf } from '../../domain/access'
import { whereToSet } from '../../domain/secret-setting'
import type { Env } from '../../env'
import { ApiError } from '../errors'

const BEARER = /^Bearer\s+(.+)$/i

const CLOSED = `the API is closed: set the API_TOKEN secret ${whereToSet('API_TOKEN')}, and send "Authorization: Bearer <token>"; for local use only, set the var ALLOW_ANONYMOUS_API="true"`

/** Requires `Authorization: Bearer <API_TOKEN>`; open without a token only when ALLOW_ANONYMOUS_API is "true". */
export const apiAuth = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function apiAuth(c, next) {
    const access = accessOf(c.env)
    if (access === 'open') return next()
    if (access === 'closed') throw new ApiError({ status: 401, code: 'unauthorized', message: CLOSED })
    const presented = BEARER.exec(c.req.header('authorization') ?? '')?.[1]
    if (presented === undefined || !(await timingSafeEqual(presented, c.env.API_TOKEN as string))) {
      throw new ApiError({
        status: 401,
        code: 'unauthorized',
        message: 'missing or invalid bearer token',
        headers: {
          'www-authenticate': 'Bearer realm="edgeflow"',
        },
      })
    }
    await next()
  }
