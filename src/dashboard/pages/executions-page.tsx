/** @module `/`: the executions list from the API (filters, cursor pages), with the per-minute chart above it. */
import type { ApiProblem, ExecutionItem } from '../api-types'
import type { ExecutionListQuery } from '../../client/types'
import { type Api, read } from '../api-client'
import { binCounts, type ChartRange, layoutChart, metricsCounts, RANGES as CHART_RANGES } from '../core/chart'
import { ChartSvg } from '../core/chart-svg'
import { isFinal } from '../core/status'
import { formatDuration, formatTime } from '../core/time'
import type { View } from '../view'
import { ExecutionStatus } from '../../domain/types'
import { Badge, LabelChips, Problem, Select, ShortId } from './components'
import { Region } from './region'

/** Time ranges offered, as `since` = now minus this. */
export const RANGES: Record<string, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
}

export interface ListFilter {
  flowId: string
  status: string
  /** `key:value` filters separated by spaces: executions carrying every one. */
  label: string
  range: string
  since: string
  until: string
  cursor: string
  chart: ChartRange
}

export function filterOf(query: Record<string, string>): ListFilter {
  return {
    flowId: query['flowId'] ?? '',
    status: query['status'] ?? '',
    label: query['label'] ?? '',
    range: query['range'] ?? '',
    since: query['since'] ?? '',
    until: query['until'] ?? '',
    cursor: query['cursor'] ?? '',
    chart: query['chart'] === 'day' ? 'day' : 'hour',
  }
}

/** A `datetime-local` value (no zone) read as UTC; anything else is passed on for the API to judge. */
const asIso = (value: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(value) ? `${value.length === 16 ? `${value}:00` : value}Z` : value

/** The API query of a filter (a status that is none is no filter). */
export function apiQuery(filter: ListFilter, now: number): ExecutionListQuery {
  const status = ExecutionStatus.safeParse(filter.status)
  const labels = filter.label.split(/\s+/).filter(Boolean)
  const range = RANGES[filter.range]
  const since = range !== undefined ? new Date(now - range).toISOString() : filter.since && asIso(filter.since)
  return {
    limit: 25,
    ...(filter.flowId ? { flowId: filter.flowId } : {}),
    ...(status.success ? { status: status.data } : {}),
    ...(labels.length > 0 ? { label: labels } : {}),
    ...(since ? { since } : {}),
    ...(filter.until ? { until: asIso(filter.until) } : {}),
    ...(filter.cursor ? { cursor: filter.cursor } : {}),
  }
}

/** The page's own URL for a filter (links keep the filters). */
export function pageUrl(filter: ListFilter, patch: Partial<ListFilter> = {}): string {
  const merged = { ...filter, ...patch }
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(merged))
    if (value && !(key === 'chart' && value === 'hour')) query.set(key, value)
  const text = query.toString()
  return text ? `/?${text}` : '/'
}

function Filters({ filter, flows }: { filter: ListFilter; flows: readonly { id: string }[] }) {
  return (
    <form class="filters" method="get" action="/" aria-label="Filter executions">
      <Select
        label="Flow"
        name="flowId"
        options={flows.map((flow) => flow.id)}
        selected={filter.flowId}
        blank="all flows"
      />
      <Select
        label="Status"
        name="status"
        options={ExecutionStatus.options}
        selected={filter.status}
        blank="any status"
      />
      <label>
        Labels
        <input type="text" name="label" value={filter.label} placeholder="key:value key:value" />
      </label>
      <Select
        label="Created in"
        name="range"
        options={Object.keys(RANGES).map((range) => ({ value: range, text: `the last ${range}` }))}
        selected={filter.range}
        blank="any time"
      />
      <label>
        or since (UTC)
        <input type="datetime-local" name="since" value={filter.since} />
      </label>
      <label>
        until (UTC)
        <input type="datetime-local" name="until" value={filter.until} />
      </label>
      {filter.chart === 'day' ? <input type="hidden" name="chart" value="day" /> : null}
      <button type="submit">Apply</button>
      <a href="/">Clear</a>
    </form>
  )
}

export function ExecutionsTable({ items }: { items: ExecutionItem[] }) {
  if (items.length === 0) return <p class="muted">No executions match.</p>
  return (
    <div class="scroll">
      <table class="executions">
        <caption class="visually-hidden">Executions, newest first</caption>
        <thead>
          <tr>
            <th>Execution</th>
            <th>Flow</th>
            <th>Status</th>
            <th class="hide-narrow">Trigger</th>
            <th>Created (UTC)</th>
            <th class="num">Duration</th>
            <th class="hide-narrow">Error</th>
            <th class="hide-narrow">Labels</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr data-execution={item.id}>
              <td>
                <a href={`/executions/${item.id}`} aria-label={`execution ${item.id}`}>
                  <ShortId id={item.id} />
                </a>
              </td>
              <td>
                <a href={`/flows/${item.flowId}`}>{item.flowId}</a> <span class="muted">r{item.revision}</span>
              </td>
              <td>
                <Badge status={item.status} />
              </td>
              <td class="hide-narrow">{item.trigger}</td>
              <td class="mono" title={formatTime(item.createdAt)}>
                {formatTime(item.createdAt).slice(5, 19)}
              </td>
              <td class="num">{formatDuration(item.durationMs)}</td>
              <td class="hide-narrow">
                {item.error ? `${item.error.type}${item.error.taskId ? ` in ${item.error.taskId}` : ''}` : ''}
              </td>
              <td class="hide-narrow">
                <LabelChips labels={item.labels} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export async function executionsPage(api: Api, query: Record<string, string>, now: number): Promise<View> {
  const filter = filterOf(query)
  const { binMs, bins } = CHART_RANGES[filter.chart]
  const since = new Date((Math.floor(now / binMs) - bins + 1) * binMs).toISOString()
  const [list, flows, counts] = await Promise.all([
    read(api.client.GET('/api/executions', { params: { query: apiQuery(filter, now) } })),
    read(api.client.GET('/api/flows', { params: { query: { limit: 100 } } })),
    // the chart follows the flow filter: that flow's metrics, else every execution's
    read(
      filter.flowId
        ? api.client.GET('/api/flows/{id}/metrics', {
            params: { path: { id: filter.flowId }, query: { from: since, bucket: String(binMs) } },
          })
        : api.client.GET('/api/metrics', { params: { query: { from: since, bucket: String(binMs) } } }),
    ),
  ])
  const chart = layoutChart(binCounts(metricsCounts(counts.ok ? counts.data.buckets : []), filter.chart, now))
  const items = list.ok ? list.data.items : []
  const live = items.some((item) => !isFinal(item.status))
  const problem: ApiProblem | null = list.ok ? null : list.problem
  const listRegion = (
    <>
      <ChartSvg layout={chart} range={filter.chart} />
      {problem ? <Problem problem={problem} /> : <ExecutionsTable items={items} />}
      <nav class="pager" aria-label="Pages">
        {filter.cursor ? <a href={pageUrl(filter, { cursor: '' })}>« Newest</a> : null}
        {list.ok && list.data.nextCursor ? (
          <a href={pageUrl(filter, { cursor: list.data.nextCursor })} rel="next">
            Older »
          </a>
        ) : null}
      </nav>
    </>
  )
  const body = (
    <>
      <h1>Executions</h1>
      <p class="muted">
        Chart:{' '}
        {filter.chart === 'hour' ? (
          <strong>last hour, per minute</strong>
        ) : (
          <a href={pageUrl(filter, { chart: 'hour' })}>last hour, per minute</a>
        )}{' '}
        ·{' '}
        {filter.chart === 'day' ? (
          <strong>last day, per 15 minutes</strong>
        ) : (
          <a href={pageUrl(filter, { chart: 'day' })}>last day, per 15 minutes</a>
        )}
        <span class="live-note" data-live-note>
          {live ? 'live: refreshing while executions run' : ''}
        </span>
      </p>
      <Filters filter={filter} flows={flows.ok ? flows.data.items : []} />
      <Region name="list">{listRegion}</Region>
    </>
  )
  return {
    title: 'Executions',
    section: 'executions',
    live,
    regions: { list: listRegion },
    body,
    ...(problem ? { status: 400 as const } : {}),
  }
}
