import { describe, expect, it } from 'vitest'
import { MAX_RESPONSE_BYTES } from '../../src/actions/http'
import { call, execution, json, putFlow, target, uniqueId } from '../helpers/api'

async function runSync(tasks: unknown[], body: unknown = {}) {
  const id = uniqueId()
  await putFlow(id, { mode: 'sync', tasks })
  const response = await call('POST', `/hooks/${id}`, body)
  return { response, detail: await execution(response.headers.get('x-execution-id')!) }
}

describe('http task', () => {
  it('sends method, headers, query and a JSON body, and outputs {status, headers, body} with JSON parsed', async () => {
    const { response, detail } = await runSync(
      [
        {
          id: 'call',
          type: 'http',
          method: 'POST',
          url: target('/echo'),
          headers: { 'x-token': '{{ input.body.token }}' },
          query: { page: 2, q: 'a b' },
          body: { name: '{{ input.body.name }}' },
        },
        { id: 'answer', type: 'return', body: '{{ outputs.call.body }}' },
      ],
      { token: 't-1', name: 'Ada' },
    )
    const echoed = await json(response)
    expect(echoed).toMatchObject({ method: 'POST', query: { page: '2', q: 'a b' }, body: '{"name":"Ada"}' })
    expect(echoed.headers).toMatchObject({ 'x-token': 't-1', 'content-type': 'application/json' })
    const run = detail.taskRuns[0]
    expect(echoed.headers['idempotency-key']).toBe(`${detail.id}:${run.id}`)
    expect(run.output).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } })
    expect(run.attempts[0].input).toMatchObject({ method: 'POST', url: target('/echo'), headers: { 'x-token': 't-1' } })
  })

  it('lets the flow override the Idempotency-Key and keeps text bodies as text', async () => {
    const { detail } = await runSync([
      { id: 'call', type: 'http', url: target('/echo'), headers: { 'Idempotency-Key': 'mine' } },
      { id: 'text', type: 'http', url: target('/text') },
    ])
    expect(detail.taskRuns[0].output.body.headers['idempotency-key']).toBe('mine')
    expect(detail.taskRuns[1].output.body).toBe('hello')
  })

  it('fails the attempt with http_error outside expectStatus (default 2xx)', async () => {
    const { response, detail } = await runSync([{ id: 'call', type: 'http', url: target('/status/404') }])
    expect(response.status).toBe(500)
    expect(detail.error).toMatchObject({ taskId: 'call', type: 'http_error', attempt: 1 })
    expect(detail.error.message).toContain('answered 404')
    expect(detail.taskRuns[0].attempts[0]).toMatchObject({ status: 'failed', error: { type: 'http_error' } })
    const accepted = await runSync([{ id: 'call', type: 'http', url: target('/status/404'), expectStatus: [200, 404] }])
    expect(accepted.detail.status).toBe('completed')
    expect(accepted.detail.taskRuns[0].output.status).toBe(404)
  })

  it('caps stored response bodies with a truncated flag and counts response bytes', async () => {
    const { detail } = await runSync([{ id: 'call', type: 'http', url: target(`/big/${MAX_RESPONSE_BYTES + 10_000}`) }])
    const run = detail.taskRuns[0]
    expect(run.output.truncated).toBe(true)
    expect(run.output.body).toHaveLength(MAX_RESPONSE_BYTES)
    const bytes = run.metrics.find((metric: { name: string }) => metric.name === 'http.response.bytes')
    expect(bytes.value).toBeGreaterThan(MAX_RESPONSE_BYTES)
    expect(detail.metrics).toContainEqual(bytes)
    expect(run.attempts[0].metrics).toEqual([bytes])
  })

  it('fails with validation_error, never retried, when the resolved url is not a URL', async () => {
    const { detail } = await runSync(
      [{ id: 'call', type: 'http', url: '{{ input.body.url }}', retry: { maxAttempts: 3, delay: '10ms' } }],
      { url: 'not a url' },
    )
    expect(detail.error).toMatchObject({ type: 'validation_error', taskId: 'call', attempt: 1 })
    expect(detail.taskRuns[0].attempts).toHaveLength(1)
  })

  it('reports a connection failure as http_error', async () => {
    const { detail } = await runSync([{ id: 'call', type: 'http', url: 'http://127.0.0.1:1/' }])
    expect(detail.error).toMatchObject({ type: 'http_error', taskId: 'call' })
  })
})
