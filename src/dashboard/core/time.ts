/** @module Times and durations as people read them (pure; UTC, so server and tests agree). */

/** "2026-11-23 12:15:24.337 UTC", or "—". */
export function formatTime(at: string | number | null | undefined): string {
  if (at === null || at === undefined) return '—'
  const date = new Date(at)
  if (Number.isNaN(date.getTime())) return '—'
  return `${date.toISOString().replace('T', ' ').replace('Z', '')} UTC`
}

/** "12:15:24": the time of day only (axes, charts). */
export const clockOf = (at: number, seconds = true): string => new Date(at).toISOString().slice(11, seconds ? 19 : 16)

/** 850 ms, 3.5 s, 2 min 5 s, 1 h 3 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** Epoch ms of an ISO time, or null. */
export const msOf = (at: string | null | undefined): number | null => {
  if (!at) return null
  const ms = Date.parse(at)
  return Number.isNaN(ms) ? null : ms
}

/** A "nice" step for about `count` ticks over `span` ms. */
export function tickStep(span: number, count: number): number {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000]
  const more = [120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000]
  const raw = span / Math.max(1, count)
  return [...steps, ...more].find((step) => step >= raw) ?? 86_400_000 * Math.ceil(raw / 86_400_000)
}

/** A tick label relative to the start: "+250 ms", "+1.5 s", "+2 min". */
export const offsetLabel = (ms: number): string => (ms === 0 ? '0' : `+${formatDuration(ms)}`)

/** A metric's value as people read it: a duration as one, a count with thousands separators. */
export const formatMetric = (metric: { type: 'duration' | 'counter'; value: number }): string =>
  metric.type === 'duration' ? formatDuration(metric.value) : metric.value.toLocaleString('en-US')
