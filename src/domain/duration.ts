/** @module Durations: "250ms", "5s", "10m", "2h", "1d", ISO 8601 ("PT5M") or a number of milliseconds. */
import { parse as parseIso, toSeconds } from 'iso8601-duration'
import * as z from 'zod'

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const SHORT = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/

/** Milliseconds of a duration, or null when the text is not a duration. */
export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null
  const text = value.trim()
  const short = SHORT.exec(text)
  if (short) return Math.round(Number(short[1]) * UNIT_MS[short[2] as keyof typeof UNIT_MS])
  if (!text.startsWith('P')) return null
  try {
    return Math.round(toSeconds(parseIso(text)) * 1000)
  } catch {
    // iso8601-duration throws on anything that is not a duration: that is our "null"
    return null
  }
}

/** A duration as written in a flow (kept as written; read with `parseDuration`). */
export const Duration = z.union([z.number(), z.string()]).refine((value) => parseDuration(value) !== null, {
  error: (issue) =>
    `invalid duration ${JSON.stringify(issue.input)}: use e.g. "250ms", "5s", "10m", "2h", "1d", "PT5M" or milliseconds`,
})
