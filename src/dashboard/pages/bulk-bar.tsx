/**
 * @module The executions list's bulk bar: tick executions (or take all that match the filter),
 * then Kill, Replay or Delete them, each in two steps; and the page of per-execution results.
 * A plain form post: it works without the script, which only adds "tick the whole page".
 */
import type { ApiProblem, BulkResult } from '../api-types'
import type { BulkAction } from '../bulk'
import type { View } from '../view'
import { Badge, Problem, ShortId } from './components'

/** The most executions one bulk request acts on (the API's bound, src/api/routes/bulk.ts). */
const MAX_BULK = 500

const ACTIONS: { action: BulkAction; open: string; confirm: string; warning: string }[] = [
  {
    action: 'kill',
    open: 'Kill…',
    confirm: 'Kill them',
    warning: 'Their running tasks are aborted; they cannot be resumed (they can be replayed).',
  },
  {
    action: 'replay',
    open: 'Replay…',
    confirm: 'Replay them',
    warning:
      'Each one that ended runs again as a new execution, from the task that failed, on its flow’s latest revision.',
  },
  {
    action: 'delete',
    open: 'Delete…',
    confirm: 'Delete them for good',
    warning: 'Each one that ended is deleted with its task runs and logs; running ones are refused.',
  },
]

/** The bar above the list: what to act on, and the three operations. `query`: the list's filter. */
export function BulkBar({ query, filtered }: { query: string; filtered: boolean }) {
  return (
    <form id="bulk" class="bulk-bar" method="post" action="/executions/bulk" aria-label="Bulk actions">
      <input type="hidden" name="query" value={query} />
      <fieldset>
        <legend class="visually-hidden">Act on</legend>
        <label>
          <input type="radio" name="scope" value="selected" checked /> the ticked executions{' '}
          <span class="muted" data-bulk-count></span>
        </label>
        <label>
          <input type="radio" name="scope" value="filter" />{' '}
          {filtered ? 'all that match this filter' : 'all executions, newest first'}{' '}
          <span class="muted">(at most {MAX_BULK})</span>
        </label>
      </fieldset>
      {ACTIONS.map(({ action, open, confirm, warning }) => (
        <details class="confirm" id={`bulk-${action}`}>
          <summary class={`button${action === 'replay' ? '' : ' danger'}`}>{open}</summary>
          <div class="confirm-body">
            <p>{warning}</p>
            <button type="submit" name="action" value={action} class="danger">
              {confirm}
            </button>
          </div>
        </details>
      ))}
    </form>
  )
}

/** A row's tick box, in the bulk bar's form wherever the row is. */
export const RowCheck = ({ id }: { id: string }) => (
  <input type="checkbox" name="id" value={id} form="bulk" aria-label={`select execution ${id}`} data-bulk-id />
)

/** The tick box that ticks the whole page (the script's; without it, tick each row). */
export const PageCheck = () => <input type="checkbox" aria-label="select every execution on this page" data-bulk-page />

const DONE: Record<BulkAction, string> = { kill: 'killed', replay: 'replayed', delete: 'deleted' }

/** What a bulk operation did, execution by execution. */
export function bulkResultsView(
  outcome: { ok: true; action: BulkAction; result: BulkResult } | { ok: false; problem: ApiProblem },
  back: string,
): View {
  const backLink = (
    <p>
      <a href={back}>Back to the executions</a>
    </p>
  )
  if (!outcome.ok)
    return {
      title: 'Bulk action refused',
      section: 'executions',
      live: false,
      regions: {},
      status: 400,
      body: (
        <>
          <h1>Bulk action refused</h1>
          <Problem problem={outcome.problem} />
          {backLink}
        </>
      ),
    }
  const { action, result } = outcome
  const done = result.results.filter((item) => item.ok).length
  const title = `${done} of ${result.matched} ${DONE[action]}`
  return {
    title,
    section: 'executions',
    live: false,
    regions: {},
    body: (
      <>
        <h1>
          Bulk {action}: {title}
        </h1>
        {backLink}
        <div class="scroll">
          <table class="bulk-results">
            <caption class="visually-hidden">One result per execution</caption>
            <thead>
              <tr>
                <th>Execution</th>
                <th>Result</th>
                <th>Afterwards</th>
              </tr>
            </thead>
            <tbody>
              {result.results.map((item) => (
                <tr data-result={item.id} data-ok={String(item.ok)}>
                  <td>
                    {item.ok && action === 'delete' ? (
                      <ShortId id={item.id} />
                    ) : (
                      <a href={`/executions/${item.id}`}>
                        <ShortId id={item.id} />
                      </a>
                    )}
                  </td>
                  <td>{item.ok ? DONE[action] : <span class="error-text">{item.error.code}</span>}</td>
                  <td>
                    {!item.ok ? (
                      item.error.message
                    ) : item.executionId ? (
                      <>
                        <a href={`/executions/${item.executionId}`}>
                          new execution <ShortId id={item.executionId} />
                        </a>{' '}
                        from {item.fromTaskId} on revision {item.revision}
                        {item.status ? (
                          <>
                            {' '}
                            <Badge status={item.status} />
                          </>
                        ) : null}
                      </>
                    ) : item.status ? (
                      <Badge status={item.status} />
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>
    ),
  }
}
