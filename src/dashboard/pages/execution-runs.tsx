/** @module The execution page's task runs: the Gantt of a page of them, a summary of the rest, and their details. */
import type { Child } from 'hono/jsx'
import { FINAL_RUN } from '../../core/transitions'
import type { TaskRunView } from '../api-types'
import { foldIterations } from '../core/collapse'
import { type Folded, layoutGantt } from '../core/gantt'
import { attemptAnchor } from '../core/anchors'
import { GanttSvg } from '../core/gantt-svg'
import { countsText } from '../core/status'
import type { RunsSummary } from '../core/totals'
import { formatDuration, formatMetric, formatTime, msOf } from '../core/time'
import { Badge, Json } from './components'

/**
 * Longest JSON text of one run's details: a page holds up to 250 of them (the whole value is the
 * API's: GET /api/executions/:id/task-runs).
 */
const RUN_JSON_LIMIT = 2_048

/** Task runs drawn per page of the Gantt. */
export const RUNS_PAGE = 250

export interface RunsPage {
  runs: TaskRunView[]
  /** The run id this page starts after (0 for the first). */
  after: number
  /** Runs after this page. */
  rest: RunsSummary | null
  total: number
}

const KEY: [string, string][] = [
  ['sw-attempt', 'attempt'],
  ['sw-failed', 'failed attempt'],
  ['sw-backoff', 'back-off before a retry'],
  ['sw-delay', 'delay'],
  ['sw-event', 'waiting for an event'],
  ['sw-child', 'waiting for a child execution'],
  ['sw-span', 'container'],
]

export function Gantt({
  page,
  frame,
  executionId,
  expanded,
}: {
  page: RunsPage
  frame: { start: number; end: number; now: number }
  executionId: string
  /** The foreach runs whose iterations are all drawn. */
  expanded: ReadonlySet<number>
}) {
  if (page.runs.length === 0) return <p class="muted">No task runs yet.</p>
  const fold = foldIterations(page.runs, expanded)
  const layout = layoutGantt([...fold.kept, ...fold.summaries], frame)
  const first = page.runs[0]
  const last = page.runs.at(-1)
  return (
    <div>
      <ul class="key" aria-label="Key">
        {KEY.map(([swatch, words]) => (
          <li>
            <span class={`sw ${swatch}`} aria-hidden="true"></span>
            {words}
          </li>
        ))}
      </ul>
      <p class="muted">
        Task runs {first?.id}–{last?.id} of {page.total.toLocaleString('en-US')}, in start order; time from{' '}
        {formatTime(layout.start)}. Hover or focus a failed attempt for its error.
      </p>
      <div class="scroll">
        <GanttSvg layout={layout} />
      </div>
      <Summary page={page} executionId={executionId} />
    </div>
  )
}

function Summary({ page, executionId }: { page: RunsPage; executionId: string }) {
  const rest = page.rest
  const lastId = page.runs.at(-1)?.id ?? page.after
  return (
    <div class="summary-box">
      {rest && rest.count > 0 ? (
        <p>
          <strong>{rest.count.toLocaleString('en-US')} more task runs</strong> not drawn: {countsText(rest.byStatus)}
          {rest.from !== null ? `; from ${formatTime(rest.from)}` : ''}
          {rest.to !== null ? ` to ${formatTime(rest.to)}` : ''}
          {rest.from !== null && rest.to !== null ? ` (${formatDuration(rest.to - rest.from)})` : ''}.
        </p>
      ) : (
        <p>All task runs from here on are drawn.</p>
      )}
      <nav class="pager" aria-label="Task run pages">
        {page.after > 0 ? <a href={`/executions/${executionId}#gantt`}>« First task runs</a> : null}
        {rest && rest.count > 0 ? (
          <a href={`/executions/${executionId}?runs=${lastId}#gantt`} rel="next">
            Next {Math.min(RUNS_PAGE, rest.count)} task runs »
          </a>
        ) : null}
      </nav>
    </div>
  )
}

function RunDetails({ run }: { run: TaskRunView }) {
  return (
    <details id={`run-${run.id}`}>
      <summary>attempts, input, output{run.error ? ', error' : ''}</summary>
      <table>
        <caption class="visually-hidden">Attempts of task run {run.id}</caption>
        <thead>
          <tr>
            <th>#</th>
            <th>Status</th>
            <th>Started</th>
            <th class="num">Took</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {run.attempts.map((attempt) => (
            <tr id={attemptAnchor(run.id, attempt.number)} class="attempt">
              <td>
                <a
                  href={`#${attemptAnchor(run.id, attempt.number)}`}
                  aria-label={`permalink to attempt ${attempt.number}`}
                >
                  {attempt.number}
                </a>
              </td>
              <td>
                <Badge status={attempt.status} />
              </td>
              <td>{formatTime(attempt.startedAt)}</td>
              <td class="num">{formatDuration(attempt.durationMs)}</td>
              <td>{attempt.error ? `${attempt.error.type}: ${attempt.error.message}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {run.attempts.map((attempt) =>
        attempt.input === null ? null : (
          <>
            <h4>Attempt {attempt.number}: resolved input</h4>
            <Json value={attempt.input} limit={RUN_JSON_LIMIT} />
          </>
        ),
      )}
      <h4>Output</h4>
      <Json value={run.output} limit={RUN_JSON_LIMIT} />
      <p>
        <a href={`?${new URLSearchParams({ logRun: String(run.id) })}#logs`}>logs of this run</a>
        {' · '}
        <a href={`?${new URLSearchParams({ logTask: run.taskId })}#logs`}>of every run of {run.taskId}</a>
      </p>
      {run.error ? (
        <>
          <h4>Error</h4>
          <Json value={run.error} />
        </>
      ) : null}
      <h4>Metrics</h4>
      <ul>
        {run.metrics.map((metric) => (
          <li>
            <span class="mono">{metric.name}</span>: {formatMetric(metric)}
          </li>
        ))}
      </ul>
    </details>
  )
}

/** One run's row of the task runs table. */
function RunRow({ run }: { run: TaskRunView }) {
  const started = msOf(run.startedAt)
  const ended = msOf(run.endedAt)
  return (
    <tr data-run={run.id}>
      <td class="num">{run.id}</td>
      <td>
        <span class="mono">{run.taskId}</span> <span class="muted">{run.type}</span>
        {run.iteration !== null ? <span class="muted"> [{run.iteration}]</span> : null}
        {run.reused ? <span class="muted"> (reused)</span> : null}
        {run.childExecutionId ? (
          <>
            {' '}
            <a href={`/executions/${run.childExecutionId}`}>child execution</a>
          </>
        ) : null}
        {run.waitingFor ? <span class="muted"> waiting for “{run.waitingFor}”</span> : null}
      </td>
      <td>
        <Badge status={run.status} />
      </td>
      <td class="num">{run.attempts.length}</td>
      <td class="hide-narrow">{formatTime(run.startedAt)}</td>
      <td class="num">{started !== null && ended !== null ? formatDuration(ended - started) : '—'}</td>
      <td>
        <RunDetails run={run} />
      </td>
    </tr>
  )
}

const isEnded = (run: TaskRunView) => (FINAL_RUN as ReadonlySet<string>).has(run.status)

/**
 * The task runs table's rows in two live regions: the runs that ended, which a poll seldom
 * changes (a foreach keeps its first iterations and folds the rest), and those that have not
 * (with the folded iterations' counts), which change on every poll of a long run: a poll carries
 * the second alone (README, live updates).
 */
export function runRows(all: TaskRunView[], expanded: ReadonlySet<number>) {
  const { kept, summaries } = foldIterations(all, expanded)
  return {
    ended:
      all.length === 0 ? (
        <tr>
          <td colspan={7} class="muted">
            No task runs yet.
          </td>
        </tr>
      ) : (
        kept.filter(isEnded).map((run) => <RunRow run={run} />)
      ),
    active: (
      <>
        {kept
          .filter((run) => !isEnded(run))
          .map((run) => (
            <RunRow run={run} />
          ))}
        {summaries.map(({ taskId, folded }) => (
          <FoldedRow taskId={taskId} folded={folded} />
        ))}
      </>
    ),
  }
}

/** The task runs table: the runs that ended, then those that have not, each group a live region. */
export const RunsTable = ({ ended, active }: { ended: Child; active: Child }) => (
  <div class="scroll">
    <table>
      <caption class="visually-hidden">Task runs: those that ended, then those that have not</caption>
      <thead>
        <tr>
          <th class="num">Run</th>
          <th>Task</th>
          <th>Status</th>
          <th class="num">Attempts</th>
          <th class="hide-narrow">Started</th>
          <th class="num">Took</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody data-region="runs-ended">{ended}</tbody>
      <tbody data-region="runs-active">{active}</tbody>
    </table>
  </div>
)

/** The iterations of a foreach left out, and the link that shows them. */
const FoldedRow = ({ taskId, folded }: { taskId: string; folded: Folded }) => (
  <tr class="folded">
    <td></td>
    <td colspan={6}>
      <span class="mono">{taskId}</span> ×{folded.count} more iterations of run {folded.foreachRunId}:{' '}
      {countsText(folded.byStatus)} — <a href={`?expand=${folded.foreachRunId}#task-runs`}>show them</a>
    </td>
  </tr>
)
