/** @module `/flows`: every flow with its latest revision, webhook, mode, next scheduled fire and last execution. */
import { defined, type FlowView } from '../api-types'
import { type Api, read } from '../api-client'
import { formatTime } from '../core/time'
import type { View } from '../view'
import { Badge, Problem } from './components'

/** The methods a flow's webhook accepts (none: no webhook trigger). */
export function webhookMethods(flow: FlowView): string[] {
  const triggers = flow.definition.triggers ?? [{ type: 'webhook' as const, methods: ['POST' as const] }]
  return triggers.flatMap((trigger) => (trigger.type === 'webhook' ? trigger.methods : []))
}

export async function flowsPage(api: Api, query: Record<string, string>, origin: string): Promise<View> {
  const cursor = query['cursor'] ?? ''
  const list = await read(
    api.client.GET('/api/flows', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
  )
  const flows = list.ok ? list.data.items.map(defined) : []
  const last = await Promise.all(
    flows.map(async (flow) => {
      const page = await read(api.client.GET('/api/executions', { params: { query: { flowId: flow.id, limit: 1 } } }))
      return page.ok ? (page.data.items[0] ?? null) : null
    }),
  )
  const body = (
    <>
      <h1>Flows</h1>
      {list.ok ? null : <Problem problem={list.problem} />}
      {flows.length === 0 && list.ok ? <p class="muted">No flows yet: PUT one to /api/flows/:id.</p> : null}
      {flows.length > 0 ? (
        <div class="scroll">
          <table>
            <caption class="visually-hidden">Flows</caption>
            <thead>
              <tr>
                <th>Flow</th>
                <th>Enabled</th>
                <th class="num">Revision</th>
                <th>Mode</th>
                <th>Webhook</th>
                <th>Next scheduled</th>
                <th>Last execution</th>
              </tr>
            </thead>
            <tbody>
              {flows.map((flow, index) => {
                const methods = webhookMethods(flow)
                const lastExecution = last[index]
                return (
                  <tr data-flow={flow.id}>
                    <td>
                      <a href={`/flows/${flow.id}`}>{flow.id}</a>
                      {flow.definition.name ? <div class="muted">{flow.definition.name}</div> : null}
                    </td>
                    <td>{flow.enabled ? '✔ enabled' : '✘ disabled'}</td>
                    <td class="num">{flow.revision}</td>
                    <td>{flow.definition.mode}</td>
                    <td class="mono wrap">
                      {methods.length > 0 ? `${methods.join(', ')} ${origin}/hooks/${flow.id}` : '— (no webhook)'}
                    </td>
                    <td>{formatTime(flow.nextScheduledAt)}</td>
                    <td>
                      {lastExecution ? (
                        <a href={`/executions/${lastExecution.id}`} aria-label={`last execution ${lastExecution.id}`}>
                          <Badge status={lastExecution.status} />
                        </a>
                      ) : (
                        <span class="muted">none</span>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {cursor ? <a href="/flows">« First</a> : null}
        {list.ok && list.data.nextCursor ? (
          <a href={`/flows?cursor=${encodeURIComponent(list.data.nextCursor)}`} rel="next">
            Next »
          </a>
        ) : null}
      </nav>
    </>
  )
  return { title: 'Flows', section: 'flows', live: false, regions: {}, body }
}
