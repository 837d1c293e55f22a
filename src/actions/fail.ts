/** @module `fail`: fails the execution on purpose; never retried. */
import * as z from 'zod'
import { asText, defineAction, failed } from './define'

export default defineAction({
  type: 'fail',
  inline: true,
  params: { message: z.unknown().default('failed by a fail task') },
  run: ({ message }) => failed('fail_task', asText(message)),
})
