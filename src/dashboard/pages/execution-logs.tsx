/** @module The execution's log lines, filtered by task and level, a page at a time. */
import type { LogPage } from '../api-types'
import { formatTime } from '../core/time'
import { Select } from './components'

export interface LogFilter {
  taskId: string
  level: string
  cursor: string
}

const LEVELS = ['debug', 'info', 'warn', 'error']

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
  const query = (cursor: string) =>
    `/executions/${executionId}?${new URLSearchParams({ logTask: filter.taskId, logLevel: filter.level, logCursor: cursor })}#logs`
  return (
    <div>
      <form class="filters" method="get" action={`/executions/${executionId}#logs`}>
        <Select label="Task" name="logTask" options={taskIds} selected={filter.taskId} blank="all tasks" />
        <Select
          label="Level (and more severe)"
          name="logLevel"
          options={LEVELS}
          selected={filter.level}
          blank="all levels"
        />
        <button type="submit">Filter logs</button>
      </form>
      {page.dropped > 0 ? (
        <p class="muted">{page.dropped.toLocaleString('en-US')} later lines were dropped (10,000 are kept).</p>
      ) : null}
      {page.items.length === 0 ? (
        <p class="muted">No log lines{filter.taskId || filter.level ? ' match' : ''}.</p>
      ) : (
        <div class="scroll">
          <table class="logs">
            <caption class="visually-hidden">Log lines</caption>
            <thead>
              <tr>
                <th>Time</th>
                <th>Level</th>
                <th>Task</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((line) => (
                <tr>
                  <td class="mono">{formatTime(line.at).slice(11)}</td>
                  <td class={`lvl-${line.level}`}>{line.level}</td>
                  <td class="mono">{line.taskId ?? '—'}</td>
                  <td>{line.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Log pages">
        {filter.cursor !== '' && filter.cursor !== '0' ? <a href={query('')}>« First lines</a> : null}
        {page.nextCursor ? (
          <a href={query(page.nextCursor)} rel="next">
            Next lines »
          </a>
        ) : null}
      </nav>
    </div>
  )
}
