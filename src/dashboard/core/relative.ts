/** @module A time as "3 min ago" from a given now (pure: the page script keeps it current in the browser). */

const UNITS: [limitMs: number, unitMs: number, name: string][] = [
  [60_000, 1000, 's'],
  [3_600_000, 60_000, 'min'],
  [86_400_000, 3_600_000, 'h'],
  [30 * 86_400_000, 86_400_000, 'd'],
]

/** "just now", "42 s ago", "3 min ago", "5 h ago", "12 d ago", a date past 30 days; "in 2 min" ahead. */
export function relativeTime(at: number, now: number): string {
  const delta = now - at
  const span = Math.abs(delta)
  if (span < 1000) return 'just now'
  const unit = UNITS.find(([limit]) => span < limit)
  if (!unit) return new Date(at).toISOString().slice(0, 10)
  const count = `${Math.floor(span / unit[1])} ${unit[2]}`
  return delta >= 0 ? `${count} ago` : `in ${count}`
}
