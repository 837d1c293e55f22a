/** @module Refuses request bodies over the configured limit (default 1 MiB) with 413, chunked ones included. */
import type { MiddlewareHandler } from 'hono'
import type { Env } from '../../env'
import { ApiError } from '../errors'

export const DEFAULT_BODY_LIMIT = 1024 * 1024

/**
 * How much of a chunked body past the limit is still read, and thrown away, before answering 413: a
 * client still sending when the connection closes gets it reset and never reads the answer, and the
 * connection closes with the response (reading on in `waitUntil` does not keep it open). Cloudflare's
 * edge refuses larger bodies on its smallest plans, so no real client sends more.
 */
export const DRAIN_BYTES = 100 * 1024 * 1024

/** Reads and discards up to `bytes` more of a body, then lets go of it. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, bytes: number): Promise<void> {
  try {
    for (let read = await reader.read(); !read.done && bytes > 0; read = await reader.read()) bytes -= read.value.length
    await reader.cancel()
  } catch {
    // the client went away: there is nothing left to drain
  }
}

/** The chunks read, as one body. */
function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}

export const requestBodyLimit = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function requestBodyLimit(c, next) {
    const maxSize = Number(c.env.BODY_LIMIT_BYTES ?? DEFAULT_BODY_LIMIT) || DEFAULT_BODY_LIMIT
    const tooLarge = () =>
      new ApiError({
        status: 413,
        code: 'payload_too_large',
        message: `the request body is larger than ${maxSize} bytes`,
      })
    const request = c.req.raw
    if (!request.body) return next()
    const declared = request.headers.get('content-length')
    if (declared !== null && !request.headers.has('transfer-encoding')) {
      if (Number(declared) > maxSize) throw tooLarge()
      return next()
    }
    // no length announced: count while reading, and keep what was read for the routes
    const reader = request.body.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.length
      if (size > maxSize) {
        await drain(reader, DRAIN_BYTES - size)
        throw tooLarge()
      }
      chunks.push(read.value)
    }
    c.req.raw = new Request(request, { body: concat(chunks, size) })
    return next()
  }
