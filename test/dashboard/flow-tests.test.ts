import { describe, expect, it } from 'vitest'
import { BASE, call, putFlow, uniqueId } from '../helpers/api'

const page = async (method: string, path: string) => {
  const response = await call(method, path, undefined, { origin: BASE })
  return { response, text: await response.text() }
}

describe("the dashboard's flow tests", () => {
  it('lists the stored cases on the flow page and runs them: each case passed or failed, with its mismatch', async () => {
    const id = uniqueId()
    await putFlow(id, { tasks: [{ id: 'greet', type: 'set', values: { greeting: 'Hello, {{ input.body.name }}!' } }] })
    const none = await page('GET', `/flows/${id}`)
    expect(none.text).toContain('id="tests"')
    expect(none.text).toContain('No tests stored with this flow')
    const stored = await call('PUT', `/api/flows/${id}/tests`, {
      cases: [
        { name: 'greets <Ada>', input: { body: { name: 'Ada' } }, expect: { vars: { greeting: 'Hello, Ada!' } } },
        { name: 'planted mismatch', input: { body: { name: 'Bob' } }, expect: { vars: { greeting: 'Hi & bye' } } },
      ],
    })
    expect(stored.status).toBe(200)
    const flow = await page('GET', `/flows/${id}`)
    expect(flow.text).toContain('<li>greets &lt;Ada&gt;</li>')
    expect(flow.text).toContain(`action="/flows/${id}/tests"`)
    expect(flow.text).toContain('Run tests')
    const run = await page('POST', `/flows/${id}/tests`)
    expect(run.response.status).toBe(200)
    expect(run.text).toContain('1 passed, 1 failed')
    expect(run.text).toContain('data-case="greets &lt;Ada&gt;" data-passed="true"')
    expect(run.text).toContain('data-case="planted mismatch" data-passed="false"')
    expect(run.text).toContain('<td class="mono">expect.vars.greeting</td>')
    expect(run.text).toContain('&quot;Hi &amp; bye&quot;')
    expect(run.text).toContain('&quot;Hello, Bob!&quot;')
  })

  it('says why a run was refused: no stored tests, no such flow', async () => {
    const id = uniqueId()
    await putFlow(id, { tasks: [{ id: 'a', type: 'log', message: 'hi' }] })
    const none = await page('POST', `/flows/${id}/tests`)
    expect(none.response.status).toBe(404)
    expect(none.text).toContain(`tests of flow ${id} not found`)
    expect((await page('POST', `/flows/${uniqueId()}/tests`)).response.status).toBe(404)
  })
})
