import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
/// <reference types="vite/client" />
import { call, finished, json, listedWhere, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import orderSaga from '../../examples/order-saga.json'
import orderSagaTests from '../../examples/order-saga.test.yaml?raw'

const testInline = (body: unknown) => call('POST', '/api/tests', body)

/** A flow with a one-day delay and a task retried 3 times with a one-hour back-off. */
const slowFlow = (url: string) => ({
  mode: 'sync',
  tasks: [
    { id: 'nap', type: 'delay', duration: '1d' },
    {
      id: 'charge',
      type: 'http',
      method: 'POST',
      url,
      body: { amount: '{{ input.body.amount }}' },
      retry: { maxAttempts: 4, backoff: 'constant', delay: '1h' },
    },
    { id: 'done', type: 'log', message: 'charged {{ outputs.charge.body.id }}' },
    { id: 'answer', type: 'return', status: 201, body: { id: '{{ outputs.charge.body.id }}' } },
  ],
})

describe('flow tests', () => {
  it('run a case on a virtual clock: a 1-day delay and 3 retries of 1 h back-off in well under 2 s', async () => {
    const started = Date.now()
    const response = await testInline({
      definition: slowFlow('https://pay.example.com/charges'),
      cases: [
        {
          name: 'charged on the fourth attempt',
          input: { body: { amount: 42 } },
          mocks: {
            tasks: {
              charge: [
                { error: { type: 'http_error', message: 'down' } },
                { error: { type: 'http_error' } },
                { error: { type: 'timeout' } },
                { output: { status: 200, body: { id: 'ch_1' } } },
              ],
            },
          },
          expect: {
            status: 'completed',
            output: { status: 201, body: { id: 'ch_1' } },
            tasks: { nap: 'completed', charge: 'completed', done: 'completed' },
            outputs: { 'charge.body.id': 'ch_1', 'nap.sleptMs': { $jsonata: 'value >= 86400000' } },
            logs: ['charged ch_1'],
          },
        },
      ],
    })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(response.status).toBe(200)
    const report = await json(response)
    expect(report).toMatchObject({ passed: true, total: 1, failed: 0 })
    expect(report.cases[0].differences).toEqual([])
    expect(report.cases[0].tasks).toContainEqual({ taskId: 'charge', status: 'completed', attempts: 4 })
    expect(report.cases[0].virtualMs).toBeGreaterThanOrEqual(86_400_000 + 3 * 3_600_000)
  })

  it('answer http requests from their mocks by method and URL pattern', async () => {
    const report = await json(
      testInline({
        definition: slowFlow('https://pay.example.com/charges?currency=eur'),
        cases: [
          {
            name: 'mocked by URL',
            input: { body: { amount: 7 } },
            mocks: {
              http: [
                { method: 'GET', url: 'https://pay.example.com/*', body: { id: 'wrong method' } },
                { method: 'POST', url: 'https://pay.example.com/charges*', status: 201, body: { id: 'ch_7' } },
              ],
            },
            expect: { output: { body: { id: 'ch_7' } }, outputs: { 'charge.status': 201 } },
          },
        ],
      }),
    )
    expect(report.passed).toBe(true)
    expect(report.cases[0].requests).toEqual([
      { taskId: 'charge', method: 'POST', url: 'https://pay.example.com/charges?currency=eur', mocked: true },
    ])
  })

  it('delay a mocked response on the virtual clock: a timeout due sooner wins and the retry is answered', async () => {
    const started = Date.now()
    const definition = {
      mode: 'sync',
      tasks: [
        {
          id: 'slow',
          type: 'http',
          url: 'https://slow.example.com/report',
          timeout: '30s',
          retry: { maxAttempts: 3, backoff: 'constant', delay: '1m' },
        },
        { id: 'answer', type: 'return', body: '{{ outputs.slow.body }}' },
      ],
    }
    const mock = (delay: string) => ({ url: 'https://slow.example.com/*', body: { ready: true }, delay })
    const report = await json(
      testInline({
        definition,
        cases: [
          {
            name: 'answered in 10 s, within the 30 s timeout',
            mocks: { http: [mock('10s')] },
            expect: { status: 'completed', output: { body: { ready: true } }, tasks: { slow: 'completed' } },
          },
          {
            name: 'answered in 1 h: every attempt times out at 30 s',
            mocks: { http: [mock('1h')] },
            expect: { status: 'failed', tasks: { slow: 'failed', answer: 'not_run' } },
          },
          {
            name: 'answered at the very moment of the timeout: the timeout wins',
            mocks: { http: [mock('30s')] },
            expect: { status: 'failed', outputs: {} },
          },
        ],
      }),
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(report.cases.map((each: { differences: unknown }) => each.differences)).toEqual([[], [], []])
    const [fast, late, tie] = report.cases
    expect(fast.virtualMs).toBe(10_000)
    expect(fast.tasks).toContainEqual({ taskId: 'slow', status: 'completed', attempts: 1 })
    // three attempts of 30 s, with a minute between them; the delayed responses never arrived
    expect(late.virtualMs).toBe(3 * 30_000 + 2 * 60_000)
    expect(late.tasks).toContainEqual({ taskId: 'slow', status: 'failed', attempts: 3 })
    expect(late.error).toMatchObject({ type: 'timeout' })
    expect(tie.virtualMs).toBe(late.virtualMs)
  })

  it('refuse an http mock delay that is no duration, with its path', async () => {
    const response = await testInline({
      definition: { tasks: [{ id: 'get', type: 'http', url: 'https://x.example.com/' }] },
      cases: [{ name: 'bad', mocks: { http: [{ url: '*', delay: 'soon' }] } }],
    })
    expect(response.status).toBe(400)
    const body = await json(response)
    expect(body.error.code).toBe('invalid_request')
    expect(body.error.issues).toContainEqual(expect.objectContaining({ path: 'cases.0.mocks.http.0.delay' }))
  })

  it('fail a case on a wrong expectation, naming the path, what was expected and what happened', async () => {
    const report = await json(
      testInline({
        definition: slowFlow('https://pay.example.com/charges'),
        cases: [
          {
            name: 'planted wrong expectation',
            mocks: { tasks: { charge: { output: { body: { id: 'ch_2' } } } } },
            expect: {
              status: 'failed',
              tasks: { done: 'skipped' },
              outputs: { 'charge.body.id': 'ch_3', 'nap.sleptMs': { $jsonata: 'value < 1000' } },
            },
          },
        ],
      }),
    )
    expect(report).toMatchObject({ passed: false, failed: 1 })
    expect(report.cases[0].differences).toEqual([
      { path: 'expect.status', message: 'status is completed', expected: 'failed', actual: 'completed' },
      { path: 'expect.tasks.done', message: 'task done is completed', expected: 'skipped', actual: 'completed' },
      { path: 'expect.outputs.charge.body.id', message: 'differs', expected: 'ch_3', actual: 'ch_2' },
      {
        path: 'expect.outputs.nap.sleptMs',
        message: 'value < 1000 is false for value',
        expected: { $jsonata: 'value < 1000' },
        actual: 86_400_000,
      },
    ])
  })

  it('never call the network: an unmocked request fails the case with a clear error, and reaches no server', async () => {
    const key = uniqueId('unmocked')
    const url = target(`/echo?key=${key}`)
    const report = await json(
      testInline({
        definition: { tasks: [{ id: 'probe', type: 'http', url }] },
        cases: [{ name: 'forgot the mock', expect: { status: 'failed' } }],
      }),
    )
    expect(report.passed).toBe(false)
    expect(report.cases[0].differences).toEqual([
      { path: 'mocks', message: `task probe: GET ${url} matches no mock (a flow test never calls the network)` },
    ])
    expect(report.cases[0].requests).toEqual([{ taskId: 'probe', method: 'GET', url, mocked: false }])
    expect(await json(fetch(target(`/calls/${key}`)))).toEqual({ calls: 0 })
  })

  it('test a stored flow with a YAML document: events reach its wait tasks; never listed with real executions', async () => {
    const id = uniqueId()
    await putFlow(id, {
      tasks: [
        { id: 'approval', type: 'wait', event: 'approved', timeout: '1d' },
        { id: 'record', type: 'set', values: { approvedBy: '{{ outputs.approval.by }}' } },
        { id: 'tag', type: 'label', labels: { region: '{{ input.headers.`x-region` }}' } },
      ],
    })
    const yaml = [
      'cases:',
      '  - name: approved',
      '    input: { headers: { X-Region: eu } }',
      '    events: [{ name: approved, payload: { by: ada } }]',
      '    expect: { status: completed, vars: { approvedBy: ada }, labels: { region: eu } }',
      '  - name: nobody approves',
      '    expect:',
      '      status: failed',
      '      error: { type: timeout }',
      '      tasks: { approval: failed, record: not_run }',
    ].join('\n')
    const response = await call('POST', `/api/flows/${id}/test`, yaml, { 'content-type': 'application/yaml' })
    expect(response.status).toBe(200)
    const report = await json(response)
    expect(report.cases.map((each: { differences: unknown }) => each.differences)).toEqual([[], []])
    expect(report.cases[1].virtualMs).toBe(86_400_000)
    // a real execution after them is listed alone: the tests' never reached the index
    const real = await json(call('POST', `/api/flows/${id}/executions`, {}))
    const page = await listedWhere(`flowId=${id}`, (listed) => listed.items.length > 0)
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([real.executionId])
  })

  it('refuse a document naming tasks the flow does not have, with their paths', async () => {
    const response = await testInline({
      definition: { tasks: [{ id: 'a', type: 'log', message: 'hi' }] },
      cases: [{ name: 'typo', mocks: { tasks: { b: { output: 1 } } }, expect: { tasks: { c: 'completed' } } }],
    })
    expect(response.status).toBe(400)
    expect((await json(response)).error.issues).toEqual([
      { path: 'cases.0.mocks.tasks.b', message: 'the flow has no task b' },
      { path: 'cases.0.expect.tasks.c', message: 'the flow has no task c' },
    ])
  })
})

describe('tests stored with a flow', () => {
  const flow = { tasks: [{ id: 'greet', type: 'set', values: { greeting: 'Hello, {{ input.body.name }}!' } }] }
  const yaml = [
    'flow: FLOW',
    'cases:',
    '  - name: greets ada',
    '    input: { body: { name: Ada } }',
    '    expect: { vars: { greeting: "Hello, Ada!" } }',
    '  - name: planted wrong greeting',
    '    input: { body: { name: Bob } }',
    '    expect: { vars: { greeting: "Hi, Bob" } }',
  ].join('\n')

  it('are stored as sent, listed, run together against the latest revision, replaced and deleted', async () => {
    const id = uniqueId()
    await putFlow(id, flow)
    expect(await json(call('GET', `/api/flows/${id}/tests`))).toEqual({ flowId: id, cases: [], updatedAt: null })
    expect((await call('POST', `/api/flows/${id}/tests/run`)).status).toBe(404)
    const put = await call('PUT', `/api/flows/${id}/tests`, yaml.replace('FLOW', id), {
      'content-type': 'application/yaml',
    })
    expect(put.status).toBe(200)
    const stored = await json(call('GET', `/api/flows/${id}/tests`))
    expect(stored.cases).toEqual([
      { name: 'greets ada', input: { body: { name: 'Ada' } }, expect: { vars: { greeting: 'Hello, Ada!' } } },
      { name: 'planted wrong greeting', input: { body: { name: 'Bob' } }, expect: { vars: { greeting: 'Hi, Bob' } } },
    ])
    expect(Date.parse(stored.updatedAt)).toBeGreaterThan(0)
    expect(await json(put)).toEqual(stored)
    const report = await json(call('POST', `/api/flows/${id}/tests/run`))
    expect(report).toMatchObject({ passed: false, total: 2, failed: 1 })
    expect(report.cases[1].differences).toEqual([
      { path: 'expect.vars.greeting', message: 'differs', expected: 'Hi, Bob', actual: 'Hello, Bob!' },
    ])
    // a new revision is what they run against
    await putFlow(id, { tasks: [{ id: 'greet', type: 'set', values: { greeting: 'Hi, {{ input.body.name }}' } }] })
    const after = await json(call('POST', `/api/flows/${id}/tests/run`))
    expect(after.cases.map((each: { passed: boolean }) => each.passed)).toEqual([false, true])
    expect((await call('DELETE', `/api/flows/${id}/tests`)).status).toBe(204)
    expect((await json(call('GET', `/api/flows/${id}/tests`))).cases).toEqual([])
    expect((await call('POST', `/api/flows/${id}/tests/run`)).status).toBe(404)
  })

  it('refuse a bad document with code, message and paths; a flow that does not exist is 404', async () => {
    const id = uniqueId()
    await putFlow(id, flow)
    const typo = await call('PUT', `/api/flows/${id}/tests`, {
      cases: [{ name: 'typo', expect: { tasks: { nope: 'completed' } } }],
    })
    expect(typo.status).toBe(400)
    expect((await json(typo)).error).toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'cases.0.expect.tasks.nope', message: 'the flow has no task nope' }],
    })
    const other = await json(call('PUT', `/api/flows/${id}/tests`, { flow: 'another', cases: [{ name: 'x' }] }))
    expect(other.error.issues).toEqual([{ path: 'flow', message: `tests flow another, not ${id}` }])
    const inline = await json(call('PUT', `/api/flows/${id}/tests`, { definition: flow, cases: [{ name: 'x' }] }))
    expect(inline.error.issues[0].path).toBe('definition')
    const empty = await json(call('PUT', `/api/flows/${id}/tests`, { cases: [] }))
    expect(empty.error).toMatchObject({ code: 'invalid_request', issues: [expect.objectContaining({ path: 'cases' })] })
    expect((await call('GET', `/api/flows/${id}/tests`, undefined)).status).toBe(200)
    expect((await json(call('GET', `/api/flows/${id}/tests`))).cases).toEqual([])
    const missing = uniqueId()
    for (const [method, path] of [
      ['GET', 'tests'],
      ['DELETE', 'tests'],
      ['POST', 'tests/run'],
    ])
      expect((await call(method as string, `/api/flows/${missing}/${path}`)).status).toBe(404)
    expect((await call('PUT', `/api/flows/${missing}/tests`, { cases: [{ name: 'x' }] })).status).toBe(404)
  })

  it('go with the flow when it is purged', async () => {
    const id = uniqueId()
    await putFlow(id, flow)
    expect((await call('PUT', `/api/flows/${id}/tests`, { cases: [{ name: 'x' }] })).status).toBe(200)
    expect((await call('DELETE', `/api/flows/${id}?purge=true`)).status).toBe(204)
    await putFlow(id, flow)
    expect((await json(call('GET', `/api/flows/${id}/tests`))).cases).toEqual([])
  })
})

describe('examples/order-saga.test.yaml', () => {
  it('passes against examples/order-saga.json, compensations and retries included', async () => {
    const id = uniqueId('saga')
    await putFlow(id, orderSaga)
    const response = await call('POST', `/api/flows/${id}/test`, orderSagaTests, {
      'content-type': 'application/yaml',
    })
    const report = await json(response)
    expect(report.cases.flatMap((each: { differences: unknown[] }) => each.differences)).toEqual([])
    expect(report).toMatchObject({ passed: true, total: 3 })
    expect(report.cases[2].tasks).toContainEqual({ taskId: 'refund', status: 'completed', attempts: 3 })
  })
})

describe('the test documents of examples/', () => {
  const documents = import.meta.glob<string>('../../examples/*.test.yaml', {
    query: '?raw',
    import: 'default',
    eager: true,
  })
  const flows = import.meta.glob<unknown>('../../examples/*.json', { import: 'default', eager: true })

  it('cover the examples, and each passes against the flow file beside it', async () => {
    const stem = (file: string) => file.replace(/^.*\//, '').replace(/(\.test)?\.(yaml|json)$/, '')
    // orders-broken and orders-fixed are two revisions of one flow, for the replay walkthrough
    const revisions = new Set(['orders-broken', 'orders-fixed'])
    const untested = Object.keys(flows)
      .map(stem)
      .filter((name) => !revisions.has(name) && !Object.keys(documents).map(stem).includes(name))
    expect(untested).toEqual([])
    for (const [file, text] of Object.entries(documents)) {
      const definition = flows[file.replace('.test.yaml', '.json')]
      expect(definition, `${file} sits beside its flow`).toBeDefined()
      const report = await json(testInline({ ...parse(text), definition }))
      const failures = report.cases.flatMap((each: { name: string; differences: unknown[] }) =>
        each.differences.map((difference) => ({ case: each.name, difference })),
      )
      expect({ file, failures }).toEqual({ file, failures: [] })
    }
  })
})

describe('replay of a recorded execution', () => {
  it('reports no change on its own revision, with no network call; on a changed flow, exactly the tasks that changed', async () => {
    const id = uniqueId('replayed')
    const key = uniqueId('replay')
    const tasks = [
      { id: 'fetch', type: 'http', method: 'POST', url: target(`/echo?key=${key}`), body: { n: '{{ input.body.n }}' } },
      { id: 'nap', type: 'delay', duration: '10ms' },
      { id: 'double', type: 'set', values: { result: '{{ input.body.n * 2 }}' } },
      { id: 'said', type: 'log', message: 'sent {{ outputs.fetch.body.body }}' },
    ]
    await putFlow(id, { tasks })
    const { executionId } = await json(call('POST', `/api/flows/${id}/executions`, { n: 21 }))
    const record = await waitFor(executionId, finished)
    expect(record.status).toBe('completed')
    const calls = async () => (await json(fetch(target(`/calls/${key}`)))).calls
    expect(await calls()).toBe(1)

    const same = await json(call('POST', '/api/tests/replay', { record }))
    expect(same).toMatchObject({
      unchanged: true,
      firstDivergence: null,
      replay: { status: 'completed', requests: [] },
    })
    expect(same.changes.map((each: { change: string }) => each.change)).toEqual(['same', 'same', 'same', 'same'])
    expect(await calls()).toBe(1)

    const changed = [
      tasks[0],
      tasks[1],
      { id: 'double', type: 'set', values: { result: '{{ input.body.n * 3 }}' } },
      tasks[3],
      { id: 'added', type: 'log', message: 'new' },
    ]
    const report = await json(call('POST', '/api/tests/replay', { record, definition: { tasks: changed } }))
    expect(report).toMatchObject({ unchanged: false, firstDivergence: 'double' })
    expect(report.changes.filter((each: { change: string }) => each.change !== 'same')).toEqual([
      {
        taskId: 'double',
        change: 'changed',
        fields: ['output', 'input'],
        recorded: { status: 'completed', output: { result: 42 } },
        replayed: { status: 'completed', output: { result: 63 } },
      },
      { taskId: 'added', change: 'new', fields: [], recorded: null, replayed: { status: 'completed', output: null } },
    ])
    // the same change stored as the flow's next revision: replayed on it, the same tasks and nothing else
    expect((await putFlow(id, { tasks: changed })).revision).toBe(2)
    const onRevision = await json(call('POST', '/api/tests/replay', { record, revision: 2 }))
    expect(onRevision.changes).toEqual(report.changes)
    expect(onRevision.firstDivergence).toBe('double')
    expect(await calls()).toBe(1)
  })
})
