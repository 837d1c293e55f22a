/**
 * @module Cron schedules (pure): when each schedule fires next, and which are due. A schedule
 * that missed several slots while nothing ran fires once, for the first slot it missed.
 */
import { Cron } from 'croner'
import type { TriggerDefinition } from '../flow/schema'

export interface Schedule {
  cron: string
  timezone: string
  input: unknown
  /** Epoch ms of the next slot, or null when the pattern has no future slot. */
  nextAt: number | null
}

/** The first slot strictly after `after`. */
export function nextSlot(cron: string, timezone: string, after: number): number | null {
  return new Cron(cron, { timezone, paused: true }).nextRun(new Date(after))?.getTime() ?? null
}

/** The schedules of a flow's triggers, each with its next slot after `now`. */
export function schedulesOf(triggers: readonly TriggerDefinition[] | undefined, now: number): Schedule[] {
  return (triggers ?? []).flatMap((trigger) =>
    trigger.type === 'schedule'
      ? [
          {
            cron: trigger.cron,
            timezone: trigger.timezone,
            input: trigger.input ?? {},
            nextAt: nextSlot(trigger.cron, trigger.timezone, now),
          },
        ]
      : [],
  )
}

/** The earliest next slot of all schedules. */
export function nextFire(schedules: readonly Schedule[]): number | null {
  let earliest: number | null = null
  for (const { nextAt } of schedules) if (nextAt !== null && (earliest === null || nextAt < earliest)) earliest = nextAt
  return earliest
}

/** Which schedules are due at `now` (with the slot they fire for), and the schedules after firing. */
export function due(
  schedules: readonly Schedule[],
  now: number,
): { fire: { index: number; slot: number }[]; after: Schedule[] } {
  const fire: { index: number; slot: number }[] = []
  const after = schedules.map((schedule, index) => {
    if (schedule.nextAt === null || schedule.nextAt > now) return schedule
    fire.push({ index, slot: schedule.nextAt })
    return { ...schedule, nextAt: nextSlot(schedule.cron, schedule.timezone, now) }
  })
  return { fire, after }
}
