/**
 * @module The execution's log lines: searched, filtered by task, run and level, a page at a time,
 * grouped by task run and attempt, and the whole selection downloadable as NDJSON.
 */
import type { LogLine, LogPage } from '../api-types'
import { groupLogLines, type LogGroup } from '../core/log-groups'
import { formatTime } from '../core/time'
import { Select } from './components'
import { attemptAnchor } from '../core/anchors'

/** The page's log filters, as its query names them (`logTask`, `logLevel`, `logQ`, `logRun`, `logCursor`). */
export interface LogFilter {
  taskId: string
  level: string
  /** Text the lines hold. */
  text: string
  /** A task run's id, or ''. */
  runId: string
  cursor: string
}

const LEVELS = ['debug', 'info', 'warn', 'error']

/** The page's query for a filter: what it names, nothing empty. */
export function logQuery(filter: LogFilter, cursor: string): URLSearchParams {
  const entries = {
    logTask: filter.taskId,
    logLevel: filter.level,
    logQ: filter.text,
    logRun: filter.runId,
    logCursor: cursor,
  }
  return new URLSearchParams(Object.entries(entries).filter(([, value]) => value !== ''))
}

/** The download's query (the API's names) for the filter: every line it keeps, not one page. */
export function downloadQuery(filter: LogFilter): URLSearchParams {
  const entries = { taskId: filter.taskId, level: filter.level, q: filter.text, taskRunId: filter.runId }
  return new URLSearchParams(Object.entries(entries).filter(([, value]) => value !== ''))
}

/**
 * A group's cell, spanning its lines: the task, run and attempt that wrote them, a link to that
 * attempt. Short: on a page of a long foreach's lines, each line may be a group of its own.
 */
function GroupCell({ group }: { group: LogGroup<LogLine> }) {
  const rows = group.lines.length
  const span = rows > 1 ? { rowspan: rows } : {}
  if (group.taskRunId === null) return <th {...span}>execution</th>
  const text = `${group.taskId ?? '—'} #${group.taskRunId}`
  return (
    <th {...span}>
      {group.attempt === null ? (
        <a href={`#run-${group.taskRunId}`}>{text}</a>
      ) : (
        <a href={`#${attemptAnchor(group.taskRunId, group.attempt)}`}>{`${text}/${group.attempt}`}</a>
      )}
    </th>
  )
}

export function Logs({
  executionId,
  page,
  filter,
  taskIds,
}: {
  executionId: string
  page: LogPage
  filter: LogFilter
  taskIds: string[]
}) {
  const pageLink = (cursor: string) => `/executions/${executionId}?${logQuery(filter, cursor)}#logs`
  const download = `/executions/${executionId}/logs.ndjson?${downloadQuery(filter)}`
  const filtered = filter.taskId || filter.level || filter.text || filter.runId
  return (
    <div>
      <form class="filters" method="get" action={`/executions/${executionId}#logs`} role="search">
        <label>
          Search
          <input type="search" name="logQ" value={filter.text} placeholder="text in a line" maxlength={200} />
        </label>
        <Select label="Task" name="logTask" options={taskIds} selected={filter.taskId} blank="all tasks" />
        <Select
          label="Level (and more severe)"
          name="logLevel"
          options={LEVELS}
          selected={filter.level}
          blank="all levels"
        />
        {filter.runId ? <input type="hidden" name="logRun" value={filter.runId} /> : null}
        <button type="submit">Filter logs</button>
        {filter.runId ? (
          <a href={`/executions/${executionId}?${logQuery({ ...filter, runId: '' }, '')}#logs`}>
            every run, not only #{filter.runId}
          </a>
        ) : null}
        <a href={download} download={`${executionId}-logs.ndjson`} class="download">
          Download {filtered ? 'these lines' : 'every line'} (NDJSON)
        </a>
      </form>
      {page.dropped > 0 ? (
        <p class="muted">{page.dropped.toLocaleString('en-US')} later lines were dropped (10,000 are kept).</p>
      ) : null}
      {page.items.length === 0 ? (
        <p class="muted">No log lines{filtered ? ' match' : ''}.</p>
      ) : (
        <div class="scroll">
          <table class="logs">
            <caption class="visually-hidden">Log lines, by task run and attempt</caption>
            <thead>
              <tr>
                <th>Task #run/attempt</th>
                <th>Time (UTC)</th>
                <th>Level</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {groupLogLines(page.items).flatMap((group) =>
                group.lines.map((line, index) => (
                  <tr>
                    {index === 0 ? <GroupCell group={group} /> : null}
                    <td>{formatTime(line.at).slice(11, -4)}</td>
                    <td class={`lvl-${line.level}`}>{line.level}</td>
                    <td>{line.message}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Log pages">
        {filter.cursor !== '' && filter.cursor !== '0' ? <a href={pageLink('')}>« First lines</a> : null}
        {page.nextCursor ? (
          <a href={pageLink(page.nextCursor)} rel="next">
            Next lines »
          </a>
        ) : null}
      </nav>
    </div>
  )
}
