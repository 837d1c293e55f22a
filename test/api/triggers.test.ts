import { describe, expect, it } from 'vitest'
import { exports } from 'cloudflare:workers'
import { BASE, call, execution, json, putFlow, uniqueId, waitFor, finished, indexSettled, listed } from '../helpers/api'

async function flow(definition: object) {
  const id = uniqueId()
  await putFlow(id, definition)
  return id
}

describe('sync webhooks', () => {
  it('answer 200 {} by default, with x-execution-id', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'noop', type: 'log', message: 'hi' }] })
    const response = await call('POST', `/hooks/${id}`, {})
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({})
    expect(response.headers.get('x-execution-id')).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answer with the status, body and headers of a return task (2xx and 4xx)', async () => {
    for (const status of [201, 422]) {
      const id = await flow({
        mode: 'sync',
        tasks: [
          { id: 'answer', type: 'return', status, headers: { 'x-flow': 'yes' }, body: { got: '{{ input.body.n }}' } },
        ],
      })
      const response = await call('POST', `/hooks/${id}`, { n: 7 })
      expect(response.status).toBe(status)
      expect(response.headers.get('x-flow')).toBe('yes')
      expect(await json(response)).toEqual({ got: 7 })
    }
  })

  it('answer 500 with the error when the execution fails', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'boom', type: 'fail', message: 'no {{ input.body.what }}' }] })
    const response = await call('POST', `/hooks/${id}`, { what: 'luck' })
    expect(response.status).toBe(500)
    const body = await json(response)
    expect(body.error).toMatchObject({ taskId: 'boom', type: 'fail_task', message: 'no luck', attempt: 1 })
    const detail = await execution(response.headers.get('x-execution-id')!)
    expect(detail).toMatchObject({ status: 'failed', error: { taskId: 'boom', taskRunId: 1 } })
  })

  it('answer as soon as the output is decided; the flow goes on', async () => {
    const id = await flow({
      mode: 'sync',
      tasks: [
        { id: 'early', type: 'return', body: { early: true } },
        { id: 'later', type: 'set', values: { after: 'return' } },
      ],
    })
    const response = await call('POST', `/hooks/${id}`, {})
    expect(await json(response)).toEqual({ early: true })
    const detail = await waitFor(response.headers.get('x-execution-id')!, finished)
    expect(detail.vars).toEqual({ after: 'return' })
  })

  it('give expressions the input, earlier outputs, vars and the execution', async () => {
    const id = await flow({
      mode: 'sync',
      tasks: [
        { id: 'first', type: 'set', values: { greeting: 'Hello' } },
        {
          id: 'second',
          type: 'return',
          body: {
            text: '{{ vars.greeting }}, {{ input.body.name }} ({{ input.headers."x-who" }}, {{ input.metadata.method }} {{ input.metadata.path }}?{{ input.metadata.query.q }})',
            first: '{{ outputs.first }}',
            flow: '{{ execution.flowId }}',
            revision: '{{ execution.revision }}',
          },
        },
      ],
    })
    const response = await call('POST', `/hooks/${id}?q=1`, { name: 'Ada' }, { 'x-who': 'tester' })
    expect(await json(response)).toEqual({
      text: `Hello, Ada (tester, POST /hooks/${id}?1)`,
      first: { greeting: 'Hello' },
      flow: id,
      revision: 1,
    })
  })
})

describe('async webhooks', () => {
  it('answer 202 with the polling links, and the execution completes', async () => {
    const id = await flow({ tasks: [{ id: 'answer', type: 'return', body: { done: true } }] })
    const response = await call('POST', `/hooks/${id}`, { a: 1 })
    expect(response.status).toBe(202)
    const body = await json(response)
    expect(body).toMatchObject({ executionId: expect.any(String), status: 'pending' })
    expect(body.statusUrl).toBe(`http://edgeflow.test/api/executions/${body.executionId}`)
    expect(response.headers.get('location')).toBe(body.statusUrl)
    expect(response.headers.get('x-execution-id')).toBe(body.executionId)
    const detail = await waitFor(body.executionId, finished)
    expect(detail).toMatchObject({
      status: 'completed',
      output: { status: 200, body: { done: true } },
      input: { body: { a: 1 } },
    })
  })

  it('end with output 202 {} when no return task decides one', async () => {
    const id = await flow({ tasks: [{ id: 'noop', type: 'log', message: 'hi' }] })
    const { executionId } = await json(call('POST', `/hooks/${id}`, {}))
    expect((await waitFor(executionId, finished)).output).toEqual({ status: 202, body: {}, headers: {} })
  })
})

describe('webhook input', () => {
  it('parses form and text bodies and records metadata with lower-case headers', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'echo', type: 'return', body: '{{ input }}' }] })
    const form = await json(
      call('POST', `/hooks/${id}`, 'a=1&b=2&b=3', {
        'content-type': 'application/x-www-form-urlencoded',
        'X-Mixed-Case': 'v',
      }),
    )
    expect(form.body).toEqual({ a: '1', b: ['2', '3'] })
    expect(form.headers['x-mixed-case']).toBe('v')
    expect(form.metadata).toMatchObject({ trigger: 'webhook', method: 'POST', path: `/hooks/${id}`, query: {} })
    expect(Date.parse(form.metadata.receivedAt)).not.toBeNaN()
    const text = await json(call('POST', `/hooks/${id}`, 'plain words', { 'content-type': 'text/plain' }))
    expect(text.body).toBe('plain words')
  })

  it('accepts only the methods of the webhook trigger (405 otherwise), and 404 without one', async () => {
    const id = await flow({
      mode: 'sync',
      triggers: [{ type: 'webhook', methods: ['GET', 'PUT'] }],
      tasks: [{ id: 'x', type: 'log', message: '.' }],
    })
    expect((await call('GET', `/hooks/${id}`)).status).toBe(200)
    const refused = await call('POST', `/hooks/${id}`, {})
    expect(refused.status).toBe(405)
    expect(refused.headers.get('allow')).toBe('GET, PUT')
    const scheduleOnly = await flow({
      triggers: [{ type: 'schedule', cron: '0 0 1 1 *' }],
      tasks: [{ id: 'x', type: 'log', message: '.' }],
    })
    expect((await call('POST', `/hooks/${scheduleOnly}`, {})).status).toBe(404)
  })
})

describe('manual trigger', () => {
  it('answers exactly as a webhook, with trigger "manual" and no headers of the API caller', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'echo', type: 'return', body: '{{ input }}' }] })
    const response = await call('POST', `/api/flows/${id}/executions`, { x: 1 }, { authorization: 'Bearer secret' })
    expect(response.status).toBe(200)
    const input = await json(response)
    expect(input.body).toEqual({ x: 1 })
    expect(input.metadata.trigger).toBe('manual')
    expect(input.headers).toEqual({})
  })
})

describe('credential headers in the input', () => {
  const credentials = {
    authorization: 'Bearer caller-token',
    'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
    cookie: 'session=s3cret',
    'x-api-key': 'key-123',
    'x-shop-token': 'shop-secret',
    'x-plain': 'visible',
  }
  const echo = (extra: object = {}) => ({
    mode: 'sync',
    ...extra,
    tasks: [{ id: 'echo', type: 'return', body: '{{ input.headers }}' }],
  })

  /** The headers the execution recorded, as answered and as stored. */
  async function recorded(path: string) {
    const response = await call('POST', path, {}, credentials)
    const answered = await json(response)
    expect((await execution(response.headers.get('x-execution-id')!)).input.headers).toEqual(answered)
    return answered
  }

  it('are replaced by "[redacted]" on webhooks, by default, in the answer and in storage', async () => {
    const headers = await recorded(`/hooks/${await flow(echo())}`)
    expect(headers).toMatchObject({
      authorization: '[redacted]',
      'proxy-authorization': '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      'x-shop-token': 'shop-secret',
      'x-plain': 'visible',
    })
  })

  it('follow the flow: inputHeaders.redact adds names, inputHeaders.keep lets a credential through', async () => {
    const id = await flow(echo({ inputHeaders: { redact: ['x-shop-token'], keep: ['authorization', 'x-api-key'] } }))
    expect(await recorded(`/hooks/${id}`)).toMatchObject({
      authorization: 'Bearer caller-token',
      'x-api-key': 'key-123',
      cookie: '[redacted]',
      'x-shop-token': '[redacted]',
      'x-plain': 'visible',
    })
  })
})

describe('bad trigger input', () => {
  it('refuses malformed JSON with 400 and starts no execution', async () => {
    const id = await flow({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    const response = await call('POST', `/hooks/${id}`, '{"oops":', { 'content-type': 'application/json' })
    expect(response.status).toBe(400)
    expect((await json(response)).error.code).toBe('invalid_json')
    await indexSettled()
    const list = await json(call('GET', `/api/executions?flowId=${id}`))
    expect(list.items).toEqual([])
  })

  it('refuses JSON nested 100,000 deep with 400 naming the limit, and starts no execution', async () => {
    const id = await flow({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const response = await call('POST', `/hooks/${id}`, deep, { 'content-type': 'application/json' })
    expect(response.status).toBe(400)
    expect((await json(response)).error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('256'),
    })
    const shallow = '['.repeat(256) + ']'.repeat(256)
    expect((await call('POST', `/hooks/${id}`, shallow, { 'content-type': 'application/json' })).status).toBe(202)
    await listed(`flowId=${id}`, 1)
  })

  it('refuses a body over 1 MiB with 413', async () => {
    const id = await flow({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    const response = await call('POST', `/hooks/${id}`, 'x'.repeat(1024 * 1024 + 1), { 'content-type': 'text/plain' })
    expect(response.status).toBe(413)
    expect((await json(response)).error.code).toBe('payload_too_large')
  })

  /** A POST of `total` bytes of `byte` streamed in 64 KiB chunks, without content-length; `sent()` counts what was read. */
  function chunked(path: string, total: number, byte = 0x78, type = 'text/plain') {
    const chunk = new Uint8Array(64 * 1024).fill(byte)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close()
        const part = chunk.subarray(0, Math.min(chunk.length, total - sent))
        sent += part.length
        controller.enqueue(part)
      },
    })
    const request = new Request(`${BASE}${path}`, { method: 'POST', body, headers: { 'content-type': type } })
    expect(request.headers.get('content-length')).toBeNull()
    return { response: exports.default.fetch(request), sent: () => sent }
  }

  it('refuses a chunked body over 1 MiB with 413 and the usual error body, having read it to the end', async () => {
    const id = await flow({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    const upload = chunked(`/hooks/${id}`, 2 * 1024 * 1024)
    const response = await upload.response
    expect(response.status).toBe(413)
    expect((await json(response)).error).toMatchObject({
      code: 'payload_too_large',
      message: 'the request body is larger than 1048576 bytes',
    })
    // a client still sending when the connection closes gets it reset and never reads the 413
    expect(upload.sent()).toBe(2 * 1024 * 1024)
    await indexSettled()
    expect((await json(call('GET', `/api/executions?flowId=${id}`))).items).toEqual([])
  })

  it('passes a chunked body under the limit to the flow intact', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'echo', type: 'return', body: '{{ $length(input.body) }}' }] })
    const response = await chunked(`/hooks/${id}`, 1024 * 1024 - 7).response
    expect(response.status).toBe(200)
    expect(await json(response)).toBe(1024 * 1024 - 7)
  })

  it('answers 404 for unknown flows and malformed flow ids', async () => {
    expect((await call('POST', '/hooks/no_such_flow', {})).status).toBe(404)
    expect((await call('POST', '/hooks/bad-id', {})).status).toBe(404)
  })
})

describe('Idempotency-Key', () => {
  it('returns the execution already started with the key instead of starting another', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'answer', type: 'return', body: { at: '{{ $millis() }}' } }] })
    const headers = { 'idempotency-key': 'order-42' }
    const first = await call('POST', `/hooks/${id}`, { n: 1 }, headers)
    const second = await call('POST', `/hooks/${id}`, { n: 1 }, headers)
    expect(second.headers.get('x-execution-id')).toBe(first.headers.get('x-execution-id'))
    expect(await json(second)).toEqual(await json(first))
    const mismatch = await call('POST', `/hooks/${id}`, { n: 2 }, headers)
    expect(mismatch.status).toBe(422)
    expect((await json(mismatch)).error.code).toBe('idempotency_mismatch')
    await waitFor(first.headers.get('x-execution-id')!, finished)
    await listed(`flowId=${id}`, 1)
    await indexSettled()
    expect((await json(call('GET', `/api/executions?flowId=${id}`))).items).toHaveLength(1)
  })
})

describe('flow revisions in executions', () => {
  it('pin the revision an execution started with', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'v', type: 'return', body: { v: 1 } }] })
    await putFlow(id, { mode: 'sync', tasks: [{ id: 'v', type: 'return', body: { v: 2 } }] })
    const response = await call('POST', `/hooks/${id}`, {})
    expect(await json(response)).toEqual({ v: 2 })
    expect((await execution(response.headers.get('x-execution-id')!)).revision).toBe(2)
  })
})

describe('responses a flow decides', () => {
  it('send no body with 204', async () => {
    const id = await flow({ mode: 'sync', tasks: [{ id: 'r', type: 'return', status: 204 }] })
    const response = await call('POST', `/hooks/${id}`, {})
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(response.headers.get('x-execution-id')).toBeTruthy()
  })

  it('refuse header names a response cannot carry, at PUT', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [{ id: 'r', type: 'return', headers: { 'bad header': 'x' } }],
    })
    expect(response.status).toBe(400)
    expect((await json(response)).error.issues[0]).toMatchObject({ path: 'tasks.0.headers.bad header' })
  })
})

describe('a malformed multipart body', () => {
  it('is refused with 400', async () => {
    const id = await flow({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    const response = await call('POST', `/hooks/${id}`, '--nope\r\nbroken', {
      'content-type': 'multipart/form-data; boundary=b',
    })
    expect(response.status).toBe(400)
    expect((await json(response)).error.code).toBe('invalid_request')
  })
})
