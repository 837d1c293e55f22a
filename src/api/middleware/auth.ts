/**
 * @module Bearer-token auth for `/api/*` (docs/architecture.md, The API): Hono's `bearerAuth`
 * checks the header and compares the token in constant time; a refusal is the API's 401.
 */
import type { MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { HTTPException } from 'hono/http-exception'
import { accessOf } from '../../domain/access'
import { whereToSet } from '../../domain/secret-setting'
import type { Env } from '../../env'
import { ApiError } from '../errors'

const CLOSED = `the API is closed: set the API_TOKEN secret ${whereToSet('API_TOKEN')}, and send "Authorization: Bearer <token>"; for local use only, set the var ALLOW_ANONYMOUS_API="true"`

/** Requires `Authorization: Bearer <API_TOKEN>`; open without a token only when ALLOW_ANONYMOUS_API is "true". */
export const apiAuth = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function apiAuth(c, next) {
    const access = accessOf(c.env)
    if (access === 'open') return next()
    if (access === 'closed') throw new ApiError({ status: 401, code: 'unauthorized', message: CLOSED })
    try {
      // the check alone: what comes after it is not the check's to answer
      await bearerAuth<{ Bindings: Env }>({ token: c.env.API_TOKEN as string })(c, async () => {})
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error
      // no header, a malformed one or a wrong token: one answer, which tells nothing more
      throw new ApiError({
        status: 401,
        code: 'unauthorized',
        message: 'missing or invalid bearer token',
        headers: { 'www-authenticate': 'Bearer realm="edgeflow"' },
      })
    }
    await next()
  }
