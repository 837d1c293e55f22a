import { describe, expect, it } from 'vitest'
import { type RunTotal, totalsOf } from '../../src/dashboard/core/totals'
import { call, execution, finished, listed, target, waitFor } from '../helpers/api'
import { start } from '../helpers/engine'

const page = async (path: string, headers: Record<string, string> = {}) => {
  const response = await call('GET', path, undefined, headers)
  return { response, text: await response.text() }
}

describe('the dashboard pages', () => {
  it('renders the executions list, an execution, the flows and a flow from the API', async () => {
    const { flowId, executionId } = await start({
      tasks: [
        { id: 'fetch', type: 'http', url: target('/flaky?fail=1&key=dash'), retry: { maxAttempts: 2, delay: '10ms' } },
        {
          id: 'both',
          type: 'parallel',
          branches: [[{ id: 'a', type: 'set', values: { a: 1 } }], [{ id: 'b', type: 'log', message: 'hi' }]],
        },
        { id: 'check', type: 'if', condition: 'false', then: [{ id: 'never', type: 'fail', message: 'no' }] },
      ],
    })
    await waitFor(executionId, finished)
    // the totals the page computes from the runs at hand are the API's
    const detail0 = await execution(executionId)
    const totals = (await (await call('GET', `/api/executions/${executionId}/task-runs/totals`)).json()) as {
      items: RunTotal[]
    }
    const key = (total: RunTotal) => `${total.taskId}/${total.status}`
    const sorted = (items: RunTotal[]) => [...items].sort((a, b) => key(a).localeCompare(key(b)))
    expect(sorted(totalsOf(detail0.taskRuns))).toEqual(sorted(totals.items))
    await listed(`flowId=${flowId}`, 1)
    const list = await page('/')
    expect(list.response.status).toBe(200)
    expect(list.response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(list.text).toContain(executionId)
    const detail = await page(`/executions/${executionId}`)
    expect(detail.response.status).toBe(200)
    expect(detail.text).toContain('class="gantt"')
    expect(detail.text).toContain('class="topology"')
    expect(detail.text).toContain('then — skipped')
    const fragment = await call('GET', `/executions/${executionId}?fragment=1`)
    const body = (await fragment.json()) as { live: boolean; regions: Record<string, string> }
    expect(body.live).toBe(false)
    expect(Object.keys(body.regions)).toContain('gantt')
    const etag = fragment.headers.get('etag') as string
    expect(
      (await call('GET', `/executions/${executionId}?fragment=1`, undefined, { 'if-none-match': etag })).status,
    ).toBe(304)
    expect((await page('/flows')).text).toContain(flowId)
    const flow = await page(`/flows/${flowId}`)
    expect(flow.response.status).toBe(200)
    expect(flow.text).toContain('YAML')
    expect((await page('/executions/nope')).response.status).toBe(404)
  })

  it('draws errors, compensations and finally apart, and says what the compensations did', async () => {
    const { executionId } = await start({
      tasks: [
        { id: 'reserve', type: 'set', values: { r: 1 }, compensate: [{ id: 'release', type: 'log', message: 'undo' }] },
        { id: 'ship', type: 'fail', message: 'no courier' },
      ],
      errors: [{ id: 'alert', type: 'log', message: '{{ error.message }}' }],
      finally: [{ id: 'outcome', type: 'log', message: '{{ scope.status }}' }],
    })
    await waitFor(executionId, finished)
    const { text } = await page(`/executions/${executionId}`)
    expect(text).toContain('release ↶ undo reserve')
    expect(text).toContain('alert (on errors)')
    expect(text).toContain('handler handler-compensate')
    expect(text).toContain('lane-handler lane-compensate')
    expect(text).toContain('Compensations: 1 ran, 1 completed, 0 failed')
  })

  it('shows labels as chips on the execution and in the list, and filters the list by them', async () => {
    const customer = `c${crypto.randomUUID().slice(0, 8)}`
    const { flowId, executionId } = await start(
      {
        labels: { customer: '{{ input.body.customer }}' },
        tasks: [{ id: 'tag', type: 'label', labels: { vip: 'yes' } }],
      },
      { customer },
    )
    const other = await start({ tasks: [{ id: 'a', type: 'log', message: 'x' }] })
    await waitFor(executionId, finished)
    await waitFor(other.executionId, finished)
    const detail = await page(`/executions/${executionId}`)
    expect(detail.text).toContain(`class="chip" href="/?label=customer%3A${customer}" data-label="customer"`)
    expect(detail.text).toContain('data-label="vip"')
    await listed(`label=customer:${customer}`, 1)
    await listed(`flowId=${other.flowId}`, 1)
    const filtered = await page(`/?label=${encodeURIComponent(`customer:${customer} vip:yes`)}`)
    expect(filtered.text).toContain(executionId)
    expect(filtered.text).not.toContain(other.executionId)
    expect(filtered.text).toContain(`value="customer:${customer} vip:yes"`)
    expect(filtered.text).toContain(flowId)
  })
})
