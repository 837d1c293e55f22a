/** @module The execution page's header facts, its input / output / error, and its metrics. */
import type { Child } from 'hono/jsx'
import type { ExecutionView } from '../api-types'
import { formatDuration, formatMetric, formatTime } from '../core/time'
import { Badge, Json, LabelChips } from './components'

export function Facts({ execution, replays }: { execution: ExecutionView; replays: string[] }) {
  return (
    <div>
      <p aria-live="polite">
        <Badge status={execution.status} />{' '}
        <span class="muted">
          {execution.mode} · {execution.trigger}
        </span>
      </p>
      <dl class="facts">
        <dt>Flow</dt>
        <dd>
          <a href={`/flows/${execution.flowId}`}>{execution.flowId}</a>, revision{' '}
          <a href={`/flows/${execution.flowId}?revision=${execution.revision}#definition`}>{execution.revision}</a>
        </dd>
        <dt>Trigger</dt>
        <dd>{execution.trigger}</dd>
        <dt>Created</dt>
        <dd>{formatTime(execution.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(execution.startedAt)}</dd>
        <dt>Ended</dt>
        <dd>{formatTime(execution.endedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(execution.durationMs)}</dd>
        {execution.wakeAt ? (
          <>
            <dt>Wakes at</dt>
            <dd>{formatTime(execution.wakeAt)}</dd>
          </>
        ) : null}
        <dt>Task runs</dt>
        <dd>{execution.taskRunCount.toLocaleString('en-US')}</dd>
        <Related term="Replay of" id={execution.replayOf} />
        {replays.length > 0 ? (
          <>
            <dt>Replays</dt>
            <dd class="replays">
              {replays.map((id, index) => (
                <>
                  {index > 0 ? ', ' : ''}
                  <a href={`/executions/${id}`} class="mono">
                    {id}
                  </a>
                </>
              ))}
            </dd>
          </>
        ) : null}
        {Object.keys(execution.labels).length > 0 ? (
          <>
            <dt>Labels</dt>
            <dd>
              <LabelChips labels={execution.labels} />
            </dd>
          </>
        ) : null}
        <Related term="Reacts to" id={execution.reactsTo} />
        <Related term="Parent" id={execution.parentExecutionId} />
      </dl>
    </div>
  )
}

/** Another execution this one names (a replayed one, the one it reacts to, its parent), if any. */
const Related = ({ term, id }: { term: string; id: string | null }) =>
  id ? (
    <>
      <dt>{term}</dt>
      <dd>
        <a href={`/executions/${id}`}>{id}</a>
      </dd>
    </>
  ) : null

const JsonCard = ({ name, value, children }: { name: string; value: unknown; children?: Child }) => (
  <section aria-label={name}>
    <h3>{name}</h3>
    {children}
    <Json value={value} label={name} />
  </section>
)

export function InputOutput({ execution }: { execution: ExecutionView }) {
  const error = execution.error
  return (
    <div class="cards">
      <JsonCard name="Input" value={execution.input} />
      <JsonCard name="Output" value={execution.output} />
      <JsonCard name="Error" value={error}>
        {error ? (
          <div class="problem" role="note">
            <strong>{error.type}</strong>
            {error.taskId ? ` in ${error.taskId}` : ''}
            {error.attempt ? ` (attempt ${error.attempt})` : ''}: {error.message}
            {error.compensation ? (
              <div>
                Compensations: {error.compensation.ran} ran, {error.compensation.completed} completed,{' '}
                {error.compensation.failed} failed
              </div>
            ) : null}
            {error.handlerFailures?.map((failure) => (
              <div>
                Also failed, in a handler: <strong>{failure.type}</strong> in {failure.taskId}: {failure.message}
              </div>
            ))}
          </div>
        ) : null}
      </JsonCard>
      <JsonCard name="Variables" value={execution.vars} />
    </div>
  )
}

export function Metrics({ execution }: { execution: ExecutionView }) {
  if (execution.metrics.length === 0) return <p class="muted">No metrics.</p>
  return (
    <div class="scroll">
      <table>
        <caption class="visually-hidden">Metrics summed over every task run</caption>
        <thead>
          <tr>
            <th>Metric</th>
            <th class="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {execution.metrics.map((metric) => (
            <tr>
              <td class="mono">{metric.name}</td>
              <td class="num">{formatMetric(metric)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
