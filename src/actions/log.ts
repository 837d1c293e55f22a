/** @module `log`: adds a line to the execution's logs. */
import * as z from 'zod'
import { LogLevel } from '../domain/log'
import { asText, completed, defineAction } from './define'

export default defineAction({
  type: 'log',
  inline: true,
  params: { level: LogLevel.default('info'), message: z.unknown() },
  run: ({ level, message }) => completed(null, { log: { level, message: asText(message) } }),
})
