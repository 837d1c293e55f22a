/** @module `return`: decides the execution's response; the flow goes on. */
import { z } from 'zod'
import { completed, defineAction } from './define'

export default defineAction({
  type: 'return',
  inline: true,
  params: {
    status: z.int().min(200).max(499).default(200),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  },
  run({ status, body, headers }) {
    const response = { status, body: body ?? {}, headers: headers ?? {} }
    return completed(response, { response })
  },
})
