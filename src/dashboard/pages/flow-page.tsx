/** @module `/flows/:id`: a flow's definition (YAML and JSON), topology, revisions with a diff, its tests, recent executions, and its operations. */
import { stringify } from 'yaml'
import { type ApiProblem, defined, type FlowView, type RevisionView } from '../api-types'
import { type Api, read } from '../api-client'
import { diffLines } from '../core/diff'
import { formatTime } from '../core/time'
import type { View } from '../view'
import { ApiForm, Confirmed, DiffBlock, Select } from './components'
import { ExecuteForm } from './execute-form'
import { TestsSection } from './flow-tests'
import { ExecutionsTable } from './executions-page'
import { webhookMethods } from './flows-page'
import { Topology } from './topology-section'

const yamlOf = (definition: unknown) => stringify(definition, { lineWidth: 0 })

function Diff({ revisions, from, to }: { revisions: RevisionView[]; from: number; to: number }) {
  const before = revisions.find((revision) => revision.revision === from)
  const after = revisions.find((revision) => revision.revision === to)
  if (!before || !after) return <p class="muted">Pick two revisions.</p>
  const lines = diffLines(yamlOf(before.definition), yamlOf(after.definition))
  const changed = lines.filter((line) => line.kind !== 'same').length
  return (
    <div>
      <p>
        Revision {from} → {to}: {changed === 0 ? 'no change' : `${changed} changed line(s)`} (− removed, + added)
      </p>
      <DiffBlock lines={lines} label={`diff of revision ${from} and ${to}`} />
    </div>
  )
}

function Operations({ flow }: { flow: FlowView }) {
  const base = `/flows/${flow.id}`
  return (
    <div class="actions">
      {flow.enabled ? <ExecuteForm flow={flow} /> : null}
      {flow.enabled ? (
        <Confirmed
          id="confirm-disable"
          action={`${base}/disable`}
          open="Disable…"
          confirm="Disable the flow"
          warning="No trigger starts it until it is enabled again."
        />
      ) : (
        <ApiForm action={`${base}/enable`}>
          <button type="submit" class="primary">
            Enable
          </button>
        </ApiForm>
      )}
    </div>
  )
}

export async function flowPage(
  api: Api,
  id: string,
  query: Record<string, string>,
  origin: string,
): Promise<View | ApiProblem> {
  const answer = await read(api.client.GET('/api/flows/{id}', { params: { path: { id } } }))
  if (!answer.ok) return answer.problem
  const flow = { ...answer, data: defined(answer.data) }
  const [revisions, executions, tests] = await Promise.all([
    read(api.client.GET('/api/flows/{id}/revisions', { params: { path: { id: flow.data.id } } })),
    read(api.client.GET('/api/executions', { params: { query: { flowId: flow.data.id, limit: 20 } } })),
    read(api.client.GET('/api/flows/{id}/tests', { params: { path: { id: flow.data.id } } })),
  ])
  const all = revisions.ok ? revisions.data.items.map(defined) : []
  const latest = flow.data.revision
  const shown = all.find((revision) => String(revision.revision) === query['revision']) ?? all[0]
  const to = Number(query['to'] ?? latest)
  const from = Number(query['from'] ?? Math.max(1, to - 1))
  const methods = webhookMethods(flow.data)
  const numbers = all.map((revision) => String(revision.revision))
  const body = (
    <>
      <h1>Flow {flow.data.id}</h1>
      {flow.data.definition.description ? <p>{flow.data.definition.description}</p> : null}
      <dl class="facts">
        <dt>Status</dt>
        <dd>{flow.data.enabled ? '✔ enabled' : '✘ disabled'}</dd>
        <dt>Latest revision</dt>
        <dd>{latest}</dd>
        <dt>Mode</dt>
        <dd>{flow.data.definition.mode}</dd>
        <dt>Webhook</dt>
        <dd class="mono">{methods.length > 0 ? `${methods.join(', ')} ${origin}/hooks/${flow.data.id}` : 'none'}</dd>
        <dt>Next scheduled</dt>
        <dd>{formatTime(flow.data.nextScheduledAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(flow.data.updatedAt)}</dd>
      </dl>
      <h2 id="operations">Execute, disable, enable</h2>
      <Operations flow={flow.data} />
      <h2 id="definition">Definition, revision {shown?.revision ?? latest}</h2>
      {query['saved'] ? <p class="result">Saved as revision {query['saved']}.</p> : null}
      <p>
        <a href={`/flows/${flow.data.id}/edit`} class="button">
          Edit the definition
        </a>{' '}
        <span class="muted">(checked as you type, with a diff before it is saved as a new revision)</span>
      </p>
      {shown ? (
        <>
          <details open>
            <summary>YAML</summary>
            <pre tabindex={0} aria-label="definition as YAML" data-copy>
              {yamlOf(shown.definition)}
            </pre>
          </details>
          <details>
            <summary>JSON</summary>
            <pre tabindex={0} aria-label="definition as JSON" data-copy>
              {JSON.stringify(shown.definition, null, 2)}
            </pre>
          </details>
          <h3>Topology</h3>
          <Topology
            definition={shown.definition}
            counts={null}
            label={`Topology of ${flow.data.id} revision ${shown.revision}`}
          />
        </>
      ) : null}
      <h2 id="revisions">Revisions</h2>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Revisions, newest first</caption>
          <thead>
            <tr>
              <th class="num">Revision</th>
              <th>Created</th>
              <th class="hide-narrow">Hash</th>
            </tr>
          </thead>
          <tbody>
            {all.map((revision) => (
              <tr>
                <td class="num">
                  <a href={`/flows/${flow.data.id}?revision=${revision.revision}#definition`}>{revision.revision}</a>
                </td>
                <td>{formatTime(revision.createdAt)}</td>
                <td class="mono hide-narrow">{revision.hash.slice(0, 16)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="filters" method="get" action={`/flows/${flow.data.id}#diff`} aria-label="Compare revisions">
        <Select label="From revision" name="from" options={numbers} selected={String(from)} />
        <Select label="to revision" name="to" options={numbers} selected={String(to)} />
        <button type="submit">Compare</button>
      </form>
      <div id="diff">
        {all.length > 1 ? <Diff revisions={all} from={from} to={to} /> : <p class="muted">Only one revision so far.</p>}
      </div>
      <h2 id="tests">Tests</h2>
      <TestsSection flowId={flow.data.id} stored={tests.ok ? tests.data : null} />
      <h2 id="recent">Recent executions</h2>
      <ExecutionsTable items={executions.ok ? executions.data.items : []} />
      <p>
        <a href={`/?flowId=${flow.data.id}`}>All executions of {flow.data.id} »</a>
      </p>
    </>
  )
  return { title: `Flow ${flow.data.id}`, section: 'flows', live: false, regions: {}, body }
}
