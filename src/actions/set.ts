/** @module `set`: writes execution variables (`vars`). */
import * as z from 'zod'
import { completed, defineAction } from './define'

export default defineAction({
  type: 'set',
  inline: true,
  params: { values: z.record(z.string().min(1), z.unknown()) },
  run: ({ values }) => completed(values, { vars: values }),
})
