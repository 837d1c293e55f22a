/** @module `return`: decides the execution's response; the flow goes on. */
import * as z from 'zod'
import { completed, defineAction } from './define'

/** RFC 9110 field names and values (no line breaks), so that the response can be built. */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name')
const HeaderValue = z.string().regex(/^[^\r\n\0]*$/, 'header values cannot hold line breaks')

export default defineAction({
  type: 'return',
  inline: true,
  params: {
    status: z.int().min(200).max(499).default(200),
    body: z.unknown().optional(),
    headers: z.record(HeaderName, HeaderValue).optional(),
  },
  run({ status, body, headers }) {
    const response = { status, body: body ?? {}, headers: headers ?? {} }
    return completed(response, { response })
  },
})
