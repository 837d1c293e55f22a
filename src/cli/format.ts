/** @module What the CLI prints for people (pure): tables, times, durations, an execution and its task runs. */
import type {
  Execution,
  ExecutionSummary,
  Flow,
  FlowDefinition,
  FlowTestReport,
  LogLine,
  TaskRun,
} from '../client/types.ts'
import { shortIdLength } from './short-ids.ts'

/** A flow as a table shows it: its definition's name and mode. */
export type FlowRow = Omit<Flow, 'definition'> & { definition?: Pick<FlowDefinition, 'name' | 'mode'> | null }

/** Rows of cells as columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function columns(rows: string[][]): string {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd()
  return rows.map(line).join('\n')
}

export const table = (headers: string[], rows: string[][]): string => columns([headers, ...rows])

/** An ISO time as `2026-12-02 03:00:01` (UTC), or `-`. */
export const when = (iso: string | null | undefined): string =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-'

/** Milliseconds as `38ms`, `1.2s`, `3m 02s`, `1h 03m`, or `-`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-'
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const seconds = Math.floor(ms / 1000)
  const two = (n: number) => String(n).padStart(2, '0')
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${two(seconds % 60)}s`
  return `${Math.floor(seconds / 3600)}h ${two(Math.floor(seconds / 60) % 60)}m`
}

/** JSON on one line, cut to `max` characters. */
export function oneLine(value: unknown, max = 80): string {
  const text = value === undefined ? '-' : JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

export function flowsTable(flows: FlowRow[]): string {
  return table(
    ['ID', 'REVISION', 'ENABLED', 'MODE', 'UPDATED', 'NEXT SCHEDULE', 'NAME'],
    flows.map((flow) => [
      flow.id,
      String(flow.revision),
      flow.enabled ? 'yes' : 'no',
      flow.definition?.mode ?? 'async',
      when(flow.updatedAt),
      when(flow.nextScheduledAt),
      flow.definition?.name ?? '',
    ]),
  )
}

const errorText = (error: { type: string; message: string | null; taskId?: string | null } | null) =>
  error ? `${error.type}${error.taskId ? ` at ${error.taskId}` : ''}: ${error.message ?? ''}` : ''

/** The executions, each id shortened to the prefix that tells the listed ones apart (any command takes it). */
export function executionsTable(executions: ExecutionSummary[]): string {
  const idLength = shortIdLength(executions.map((execution) => execution.id))
  return table(
    ['ID', 'FLOW', 'REV', 'STATUS', 'TRIGGER', 'CREATED', 'DURATION', 'ERROR'],
    executions.map((execution) => [
      execution.id.slice(0, idLength),
      execution.flowId ?? '(ad-hoc)',
      execution.revision === null ? '—' : String(execution.revision),
      execution.status,
      execution.trigger,
      when(execution.createdAt),
      duration(execution.durationMs),
      errorText(execution.error),
    ]),
  )
}

/** The handler a run starts (README, When things fail), in a few words; '' for the flow's own tasks. */
function handlerNote(run: TaskRun): string {
  if (run.handler === 'compensate') return `undoes run ${run.compensates}`
  if (run.handler === 'errors') return 'on errors'
  return run.handler === 'finally' ? 'finally' : ''
}

/** What a task run is doing or why it ended, in a few words, after the handler it starts. */
function runNote(run: TaskRun): string {
  return [handlerNote(run), runState(run)].filter(Boolean).join(' · ')
}

function runState(run: TaskRun): string {
  if (run.error) return errorText(run.error)
  if (run.waitingFor) return `waiting for event ${run.waitingFor}`
  if (run.childExecutionId) return `child ${run.childExecutionId}`
  if (run.wakeAt && run.status === 'delayed') return `wakes at ${when(run.wakeAt)}`
  return run.reused ? 'reused' : ''
}

const spanMs = (startedAt: string | null, endedAt: string | null) =>
  startedAt && endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : null

export function taskRunsTable(runs: TaskRun[]): string {
  return table(
    ['RUN', 'TASK', 'TYPE', 'STATUS', 'ATTEMPTS', 'DURATION', 'NOTE'],
    runs.map((run) => [
      String(run.id),
      run.parentTaskRunId === null ? run.taskId : `  ${run.taskId}`,
      run.type,
      run.status,
      String(run.attempts.length),
      duration(spanMs(run.startedAt, run.endedAt)),
      runNote(run),
    ]),
  )
}

/** Metrics as `name value`, durations in their unit. */
export const metricsText = (metrics: Execution['metrics']): string =>
  metrics
    .map((metric) => `${metric.name} ${metric.type === 'duration' ? duration(metric.value) : metric.value}`)
    .join(' · ')

/** An execution: its fields, one a line, then its task runs. */
/** `key=value key=value`, or null when there are none. */
const labelsText = (labels: Record<string, string>): string | null =>
  Object.keys(labels).length === 0
    ? null
    : Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ')

export function executionText(execution: Execution): string {
  const fields: [string, string | null][] = [
    ['id', execution.id],
    ['flow', execution.flowId === null ? '(ad-hoc run)' : `${execution.flowId} (revision ${execution.revision})`],
    ['status', execution.status],
    ['trigger', `${execution.trigger} · ${execution.mode}`],
    ['created', when(execution.createdAt)],
    ['ended', execution.endedAt ? when(execution.endedAt) : null],
    ['duration', execution.durationMs === null ? null : duration(execution.durationMs)],
    ['wakes at', execution.wakeAt ? when(execution.wakeAt) : null],
    ['replay of', execution.replayOf],
    ['parent', execution.parentExecutionId],
    ['reacts to', execution.reactsTo],
    ['labels', labelsText(execution.labels)],
    ['metrics', execution.metrics.length ? metricsText(execution.metrics) : null],
    ['error', execution.error ? errorText(execution.error) : null],
    ['output', execution.output === null ? null : oneLine(execution.output, 200)],
  ]
  const shown = fields.filter((field): field is [string, string] => field[1] !== null)
  const more =
    execution.taskRunCount > execution.taskRuns.length
      ? `\n(${execution.taskRuns.length} of ${execution.taskRunCount} task runs shown; --json and the API page through the rest)`
      : ''
  return `${columns(shown)}\n\n${taskRunsTable(execution.taskRuns)}${more}`
}

/** Log lines as columns: time, level, task, message (a message of several lines keeps them). */
export function logText(lines: LogLine[]): string {
  return columns(lines.map((line) => [line.at, line.level, line.taskId ?? '-', line.message]))
}

/** A value as JSON, `-` when there is none. */
export const shown = (value: unknown) => (value === undefined ? '-' : JSON.stringify(value))

/** A flow test's difference: its path in the case, what is wrong, and the values compared. */
export function differenceText(difference: FlowTestReport['cases'][number]['differences'][number]): string {
  const values =
    'expected' in difference ? ` expected ${shown(difference.expected)}, got ${shown(difference.actual)}` : ''
  return `${difference.path}: ${difference.message}${values}`
}
