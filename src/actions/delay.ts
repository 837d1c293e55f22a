/** @module `delay`: sleeps on the object's alarm for a duration or until a time. */
import * as z from 'zod'
import { Duration, parseDuration } from '../domain/duration'
import { defineAction, failed } from './define'

export default defineAction({
  type: 'delay',
  inline: true,
  params: { duration: Duration.optional(), until: z.iso.datetime({ offset: true }).optional() },
  run({ duration, until }, { now }) {
    if ((duration === undefined) === (until === undefined)) {
      return failed('validation_error', 'delay needs exactly one of "duration" or "until"')
    }
    const wakeAt = until === undefined ? now() + (parseDuration(duration ?? 0) ?? 0) : Date.parse(until)
    return { kind: 'sleep', until: wakeAt }
  },
})
