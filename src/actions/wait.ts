/** @module `wait`: waits for an event delivered through the API; the task's `timeout` bounds the wait. */
import * as z from 'zod'
import { defineAction } from './define'

export default defineAction({
  type: 'wait',
  inline: true,
  params: {
    event: z.string().min(1).max(128),
    onTimeout: z.enum(['fail', 'continue']).default('fail'),
  },
  run: ({ event, onTimeout }) => ({ kind: 'wait', event, onTimeout }),
})
