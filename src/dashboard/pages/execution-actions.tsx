/** @module The operations the API accepts in the execution's status, as forms (sent by the page script, or plainly). */
import type { ExecutionView } from '../api-types'
import { type Operation, operationsFor } from '../core/actions'
import { formatTime } from '../core/time'
import { ApiForm, Confirmed, Select } from './components'

const CONTROLS: { operation: Operation; text: string; style: string }[] = [
  { operation: 'pause', text: 'Pause', style: '' },
  { operation: 'resume', text: 'Resume', style: 'primary' },
]

/** An event a wait task of the execution expects, and until when it waits (null: no timeout). */
export interface PendingWait {
  event: string
  until: string | null
  taskId: string
}

export interface ReplayChoices {
  taskIds: string[]
  revisions: number[]
  latest: number | null
}

export function Actions({
  execution,
  replay,
  waits,
}: {
  execution: ExecutionView
  replay: ReplayChoices | null
  waits: PendingWait[]
}) {
  // an event is offered only when a wait expects one: delivered to nothing, it would only be kept
  const operations = operationsFor(execution.status).filter((operation) => operation !== 'event' || waits.length > 0)
  const base = `/executions/${execution.id}`
  if (operations.length === 0)
    return <p class="muted">No operation applies while the execution is {execution.status}.</p>
  return (
    <div class="actions">
      {waits.length > 0 ? <Waits waits={waits} /> : null}
      {operations.includes('kill') ? (
        <Confirmed
          id="confirm-kill"
          action={`${base}/kill`}
          open="Kill…"
          confirm="Kill the execution"
          warning="Its running tasks are aborted and it cannot be resumed (it can be replayed)."
        />
      ) : null}
      {CONTROLS.filter(({ operation }) => operations.includes(operation)).map(({ operation, text, style }) => (
        <ApiForm action={`${base}/${operation}`}>
          <button type="submit" class={style}>
            {text}
          </button>
        </ApiForm>
      ))}
      {operations.includes('replay') && replay ? <ReplayForm execution={execution} replay={replay} /> : null}
      {operations.includes('event') ? (
        <ApiForm action={`${base}/event`}>
          <label>
            Event
            <input name="name" required value={waits[0]?.event ?? ''} list="events" autocomplete="off" />
          </label>
          <datalist id="events">
            {waits.map((wait) => (
              <option value={wait.event} />
            ))}
          </datalist>
          <label>
            Payload (JSON)
            <textarea name="payload" rows={3}>
              {'{}'}
            </textarea>
          </label>
          <button type="submit">Deliver event</button>
        </ApiForm>
      ) : null}
    </div>
  )
}

function Waits({ waits }: { waits: PendingWait[] }) {
  return (
    <ul class="waits" aria-label="Pending waits">
      {waits.map((wait) => (
        <li>
          <span class="mono">{wait.taskId}</span> waits for the event <strong class="mono">{wait.event}</strong>{' '}
          {wait.until ? `until ${formatTime(wait.until)}` : 'with no timeout'}
        </li>
      ))}
    </ul>
  )
}

function ReplayForm({ execution, replay }: { execution: ExecutionView; replay: ReplayChoices }) {
  const failed = execution.error?.taskId ?? ''
  return (
    <ApiForm action={`/executions/${execution.id}/replay`}>
      <Select
        label="Restart from task"
        name="fromTaskId"
        options={replay.taskIds}
        selected={failed}
        blank="the failed task (default)"
      />
      {/* the default is no number: the API takes the latest revision when the replay is asked, not when the page was drawn */}
      <Select
        label="On revision"
        name="revision"
        options={replay.revisions.map((revision) => ({
          value: String(revision),
          text: `${revision}${revision === execution.revision ? ' (this execution’s)' : ''}`,
        }))}
        selected=""
        blank={`the latest at replay (${replay.latest ?? '?'} now)`}
      />
      <button type="submit" class="primary">
        Replay
      </button>
    </ApiForm>
  )
}

export const revisionsOf = (items: readonly { revision: number }[]) => items.map((item) => item.revision)
