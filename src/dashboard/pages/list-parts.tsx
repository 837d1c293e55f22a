/** @module Parts of the executions list: status totals that filter, and times as "3 min ago". */
import { ExecutionStatus } from '../../domain/types'
import type { ChartRange } from '../core/chart'
import { relativeTime } from '../core/relative'
import { statusText } from '../core/status'
import { formatTime, msOf } from '../core/time'

const SPANS: Record<ChartRange, string> = { hour: 'the last hour', day: 'the last day' }

/**
 * The executions of the chart's span counted by status (every flow: the counts the chart shows),
 * each a link that filters the list by it; the one the list is filtered by is marked.
 */
export function StatusTotals({
  counts,
  current,
  hrefOf,
  range,
}: {
  counts: readonly { status: string; count: number }[]
  /** The status the list is filtered by ('' for none). */
  current: string
  /** The list filtered by a status ('' to clear it). */
  hrefOf: (status: string) => string
  range: ChartRange
}) {
  const totals = new Map<string, number>()
  for (const { status, count } of counts) totals.set(status, (totals.get(status) ?? 0) + count)
  const shown = ExecutionStatus.options.filter((status) => (totals.get(status) ?? 0) > 0 || status === current)
  return (
    <nav class="totals" aria-label="Status totals">
      <span class="muted">Created in {SPANS[range]}, all flows:</span>
      {shown.length === 0 ? <span class="muted">none</span> : null}
      {shown.map((status) => (
        <a
          href={hrefOf(status === current ? '' : status)}
          class={`total st-${status}`}
          {...(status === current ? { 'aria-current': 'true' } : {})}
          data-total={status}
        >
          {statusText(status)} <strong>{(totals.get(status) ?? 0).toLocaleString('en-US')}</strong>
        </a>
      ))}
    </nav>
  )
}

/**
 * A time as "3 min ago" with the absolute time as its title (the script turns it to the viewer's
 * zone and keeps the text current), or with `utc` the UTC time itself.
 */
export function When({ at, now, utc }: { at: string | null; now: number | undefined; utc: boolean }) {
  const ms = msOf(at)
  if (at === null || ms === null) return <span>—</span>
  if (utc || now === undefined)
    return (
      <time class="mono" datetime={at} title={now === undefined ? undefined : relativeTime(ms, now)}>
        {formatTime(at).slice(5, 19)}
      </time>
    )
  return (
    <time datetime={at} title={formatTime(at)} data-relative>
      {relativeTime(ms, now)}
    </time>
  )
}
