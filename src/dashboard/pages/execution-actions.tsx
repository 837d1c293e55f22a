/** @module The operations the API accepts in the execution's status, as forms (sent by the page script, or plainly). */
import type { ExecutionView } from '../api-types'
import { type Operation, operationsFor } from '../core/actions'
import { ApiForm, Select } from './components'

const CONTROLS: { operation: Operation; text: string; style: string }[] = [
  { operation: 'kill', text: 'Kill', style: 'danger' },
  { operation: 'pause', text: 'Pause', style: '' },
  { operation: 'resume', text: 'Resume', style: 'primary' },
]

export interface ReplayChoices {
  taskIds: string[]
  revisions: number[]
  latest: number | null
}

export function Actions({
  execution,
  replay,
  waitingFor,
}: {
  execution: ExecutionView
  replay: ReplayChoices | null
  waitingFor: string[]
}) {
  const operations = operationsFor(execution.status)
  const base = `/executions/${execution.id}`
  if (operations.length === 0)
    return <p class="muted">No operation applies while the execution is {execution.status}.</p>
  return (
    <div class="actions">
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
            <input name="name" required value={waitingFor[0] ?? ''} list="events" autocomplete="off" />
          </label>
          <datalist id="events">
            {waitingFor.map((name) => (
              <option value={name} />
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
      <Select
        label="On revision"
        name="revision"
        options={replay.revisions.map((revision) => ({
          value: String(revision),
          text: `${revision}${revision === replay.latest ? ' (latest)' : ''}${revision === execution.revision ? ' (this execution’s)' : ''}`,
        }))}
        selected={String(replay.latest ?? '')}
      />
      <button type="submit" class="primary">
        Replay
      </button>
    </ApiForm>
  )
}

export const revisionsOf = (items: readonly { revision: number }[]) => items.map((item) => item.revision)
