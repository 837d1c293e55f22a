/** @module Refuses request bodies over the configured limit (default 1 MiB) with 413. */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Env } from '../../env'
import { ApiError } from '../errors'

export const DEFAULT_BODY_LIMIT = 1024 * 1024

export const requestBodyLimit = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function requestBodyLimit(c, next) {
    const maxSize = Number(c.env.BODY_LIMIT_BYTES ?? DEFAULT_BODY_LIMIT) || DEFAULT_BODY_LIMIT
    const limit = bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError({
          status: 413,
          code: 'payload_too_large',
          message: `the request body is larger than ${maxSize} bytes`,
        })
      },
    })
    return limit(c, next)
  }
