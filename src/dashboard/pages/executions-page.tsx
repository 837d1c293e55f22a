/** @module `/`: the executions list from the API (filters, cursor pages), with the per-minute chart above it. */
import type { ApiProblem, ExecutionItem } from '../api-types'
import type { ExecutionListQuery } from '../../client/types'
import { type Api, read } from '../api-client'
import { binCounts, type ChartRange, layoutChart, metricsCounts, RANGES as CHART_RANGES } from '../core/chart'
import { ChartSvg } from '../core/chart-svg'
import { isFinal } from '../core/status'
import { formatDuration } from '../core/time'
import type { View } from '../view'
import { ExecutionStatus, Trigger } from '../../domain/types'
import { Badge, LabelChips, Problem, Select, ShortId } from './components'
import { Region } from './region'
import { BulkBar, PageCheck, RowCheck } from './bulk-bar'
import { StatusTotals, When } from './list-parts'

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
  trigger: string
  /** The first characters of an execution id. */
  idPrefix: string
  /** Text in the error's message, type or task id. */
  error: string
  /** `key:value` filters separated by spaces: executions carrying every one. */
  label: string
  range: string
  since: string
  until: string
  cursor: string
  chart: ChartRange
  /** `1`: times in UTC (else relative, the viewer's zone on hover). */
  utc: string
}

export function filterOf(query: Record<string, string>): ListFilter {
  return {
    flowId: query['flowId'] ?? '',
    status: query['status'] ?? '',
    trigger: query['trigger'] ?? '',
    idPrefix: query['idPrefix']?.trim() ?? '',
    error: query['error']?.trim() ?? '',
    label: query['label'] ?? '',
    range: query['range'] ?? '',
    since: query['since'] ?? '',
    until: query['until'] ?? '',
    cursor: query['cursor'] ?? '',
    chart: query['chart'] === 'day' ? 'day' : 'hour',
    utc: query['utc'] === '1' ? '1' : '',
  }
}

/** A `datetime-local` value (no zone) read as UTC; anything else is passed on for the API to judge. */
const asIso = (value: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(value) ? `${value.length === 16 ? `${value}:00` : value}Z` : value

/** The API query of a filter (a status that is none is no filter). */
export function apiQuery(filter: ListFilter, now: number): ExecutionListQuery {
  const status = ExecutionStatus.safeParse(filter.status)
  const trigger = Trigger.safeParse(filter.trigger)
  const labels = filter.label.split(/\s+/).filter(Boolean)
  const range = RANGES[filter.range]
  const since = range !== undefined ? new Date(now - range).toISOString() : filter.since && asIso(filter.since)
  return {
    limit: 25,
    ...(filter.flowId ? { flowId: filter.flowId } : {}),
    ...(status.success ? { status: status.data } : {}),
    ...(trigger.success ? { trigger: trigger.data } : {}),
    ...(filter.idPrefix ? { idPrefix: filter.idPrefix } : {}),
    ...(filter.error ? { error: filter.error } : {}),
    ...(labels.length > 0 ? { label: labels } : {}),
    ...(since ? { since } : {}),
    ...(filter.until ? { until: asIso(filter.until) } : {}),
    ...(filter.cursor ? { cursor: filter.cursor } : {}),
  }
}

/** The page's own URL for a filter (links keep the filters). */
export function pageUrl(filter: ListFilter, patch: Partial<ListFilter> = {}): string {
  const text = queryText({ ...filter, ...patch })
  return text ? `/?${text}` : '/'
}

function queryText(filter: ListFilter): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(filter))
    if (value && !(key === 'chart' && value === 'hour')) query.set(key, value)
  return query.toString()
}

/** What the list filters by (no page, chart or time zone): what "all that match" acts on. */
export const listQueryText = (filter: ListFilter) => queryText({ ...filter, cursor: '', chart: 'hour', utc: '' })

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
      <Select label="Trigger" name="trigger" options={Trigger.options} selected={filter.trigger} blank="any trigger" />
      <label>
        Id starts with
        <input type="search" name="idPrefix" value={filter.idPrefix} placeholder="3f9a1c" autocomplete="off" />
      </label>
      <label>
        Error contains
        <input type="search" name="error" value={filter.error} placeholder="timeout" />
      </label>
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
      {filter.utc ? <input type="hidden" name="utc" value="1" /> : null}
      <button type="submit">Apply</button>
      <a href="/">Clear</a>
    </form>
  )
}

/** The executions; with `now`, times relative to it; with `select`, a tick box a row for the bulk bar. */
export function ExecutionsTable({
  items,
  now,
  utc = false,
  select = false,
}: {
  items: ExecutionItem[]
  now?: number
  utc?: boolean
  select?: boolean
}) {
  if (items.length === 0) return <p class="muted">No executions match.</p>
  return (
    <div class="scroll">
      <table class="executions">
        <caption class="visually-hidden">Executions, newest first</caption>
        <thead>
          <tr>
            {select ? (
              <th class="check">
                <PageCheck />
              </th>
            ) : null}
            <th>Execution</th>
            <th>Flow</th>
            <th>Status</th>
            <th class="hide-narrow">Trigger</th>
            <th>Created{utc || now === undefined ? ' (UTC)' : ''}</th>
            <th class="num">Duration</th>
            <th class="hide-narrow">Error</th>
            <th class="hide-narrow">Labels</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr data-execution={item.id}>
              {select ? (
                <td class="check">
                  <RowCheck id={item.id} />
                </td>
              ) : null}
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
              <td>
                <When at={item.createdAt} now={now} utc={utc} />
              </td>
              <td class="num">{formatDuration(item.durationMs)}</td>
              <td class="hide-narrow" title={item.error?.message ?? undefined}>
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
  const binned = metricsCounts(counts.ok ? counts.data.buckets : [])
  const chart = layoutChart(binCounts(binned, filter.chart, now))
  const items = list.ok ? list.data.items : []
  const live = items.some((item) => !isFinal(item.status))
  const problem: ApiProblem | null = list.ok ? null : list.problem
  const listRegion = (
    <>
      <ChartSvg layout={chart} range={filter.chart} />
      {problem ? (
        <Problem problem={problem} />
      ) : (
        <ExecutionsTable items={items} now={now} utc={filter.utc === '1'} select />
      )}
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
        )}{' '}
        · Times:{' '}
        <a href={pageUrl(filter, { utc: filter.utc ? '' : '1' })} data-utc-toggle>
          {filter.utc ? 'relative (your zone on hover)' : 'in UTC'}
        </a>
        <span class="live-note" data-live-note>
          {live ? 'live: refreshing while executions run' : ''}
        </span>
      </p>
      <Filters filter={filter} flows={flows.ok ? flows.data.items : []} />
      <StatusTotals
        counts={binned}
        current={filter.status}
        hrefOf={(status) => pageUrl(filter, { status, cursor: '' })}
        range={filter.chart}
      />
      <BulkBar query={listQueryText(filter)} filtered={listQueryText(filter) !== ''} />
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
