/** @module `log`: adds a line to the execution's logs. */
import { z } from 'zod'
import { asText, completed, defineAction, LogLevel } from './define'

export default defineAction({
  type: 'log',
  inline: true,
  params: { level: LogLevel.default('info'), message: z.unknown() },
  run: ({ level, message }) => completed(null, { log: { level, message: asText(message) } }),
})
