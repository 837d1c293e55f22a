import { env } from 'cloudflare:workers'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { call, execution, finished, json, putFlow, target, uniqueId, waitFor, listedWhere } from '../helpers/api'
import { crash, indexText, start, storedText } from '../helpers/engine'
import { urlForms } from '../helpers/secret-forms'

const KEY = env.FLOW_SECRET_TEST_KEY
const PASSWORD = env.FLOW_SECRET_TEST_PASSWORD
const BASIC = btoa(`ada:${PASSWORD}`)
/** Values that must appear nowhere edgeflow records or answers. */
const NEVER = [KEY, PASSWORD, BASIC, env.FLOW_SECRET_TEST_SIGNING, env.HIDDEN_TEST_KEY, env.TEST_WEBHOOK_SECRET]

/** What the target received for `key`, as it received it. */
const captured = async (key: string): Promise<{ headers: Record<string, string>; body: string }[]> =>
  json(fetch(`${env.TARGET_URL}/captured/${key}`))

/** Every answer the API gives about an execution, and what its object and the index store. */
async function everything(executionId: string): Promise<string> {
  const answers = await Promise.all(
    [
      `/api/executions/${executionId}`,
      `/api/executions/${executionId}/task-runs?cursor=0`,
      `/api/executions/${executionId}/logs?limit=1000`,
    ].map(async (path) => (await call('GET', path)).text()),
  )
  const detail = await execution(executionId)
  const flow = await (await call('GET', `/api/flows/${detail.flowId}`)).text()
  // the list once the index has this execution as its object shows it
  await listedWhere(`flowId=${detail.flowId}`, (page) =>
    page.items.some((item: { id: string; status: string }) => item.id === executionId && item.status === detail.status),
  )
  const list = await (await call('GET', `/api/executions?flowId=${detail.flowId}`)).text()
  return [...answers, flow, list, await storedText(executionId), await indexText()].join('\n')
}

function expectNoSecret(text: string): void {
  for (const value of NEVER) expect(text).not.toContain(value)
}

describe('secrets in flows', () => {
  it('reach the services a flow calls and nothing the engine records or answers', async () => {
    const childId = uniqueId('child')
    await putFlow(childId, {
      tasks: [
        { id: 'got', type: 'log', message: 'child got {{ input.body.key }}' },
        { id: 'back', type: 'return', body: '{{ input.body }}' },
      ],
    })
    const capture = uniqueId('bearer')
    const { response, executionId, flowId } = await start({
      mode: 'sync',
      tasks: [
        {
          id: 'call',
          type: 'http',
          method: 'POST',
          url: `${target('/echo')}?token={{ $secret('TEST_KEY') }}`,
          headers: { authorization: "Bearer {{ $secret('TEST_KEY') }}" },
          body: { key: "{{ $secret('TEST_KEY') }}", note: 'hello' },
        },
        {
          id: 'sent',
          type: 'http',
          url: target(`/capture?key=${capture}`),
          auth: { bearer: "{{ $secret('TEST_KEY') }}" },
        },
        {
          id: 'basic',
          type: 'http',
          url: target('/echo'),
          auth: { basic: { user: 'ada', password: "{{ $secret('TEST_PASSWORD') }}" } },
        },
        { id: 'remember', type: 'set', values: { token: "{{ $secret('TEST_KEY') }}" } },
        { id: 'say', type: 'log', message: "using {{ $secret('TEST_KEY') }}" },
        {
          id: 'each',
          type: 'foreach',
          items: "[$secret('TEST_KEY'), 'plain']",
          tasks: [{ id: 'item', type: 'log', message: 'item {{ item }}' }],
        },
        { id: 'child', type: 'subflow', flowId: childId, input: { key: "{{ $secret('TEST_KEY') }}" } },
        {
          id: 'down',
          type: 'http',
          url: "http://127.0.0.1:1/?token={{ $secret('TEST_KEY') }}",
          allowFailure: true,
        },
        { id: 'cast', type: 'set', values: { n: "{{ $secret('TEST_KEY') & $number('x') }}" }, allowFailure: true },
        { id: 'oops', type: 'fail', message: "failed with {{ $secret('TEST_KEY') }}", allowFailure: true },
        {
          id: 'answer',
          type: 'return',
          headers: { 'x-token': "{{ $secret('TEST_KEY') }}" },
          body: { echoed: '{{ outputs.call.body }}', direct: "{{ $secret('TEST_KEY') }}", vars: '{{ vars }}' },
        },
      ],
    })
    const text = await response.text()
    expect(response.status).toBe(200)
    expect(response.headers.get('x-token')).toBe('[secret:TEST_KEY]')
    expectNoSecret(text)
    const answer = JSON.parse(text)
    // the target got the real value: only the exact value is masked
    expect(answer.echoed.headers.authorization).toBe('Bearer [secret:TEST_KEY]')
    expect(answer.echoed.query).toEqual({ token: '[secret:TEST_KEY]' })
    expect(JSON.parse(answer.echoed.body)).toEqual({ key: '[secret:TEST_KEY]', note: 'hello' })
    expect(answer.direct).toBe('[secret:TEST_KEY]')
    expect(answer.vars).toMatchObject({ token: '[secret:TEST_KEY]' })
    expect((await captured(capture))[0]?.headers.authorization).toBe(`Bearer ${KEY}`)

    const detail = await waitFor(executionId, finished)
    expect(detail.status).toBe('warning')
    const run = (taskId: string) => detail.taskRuns.find((each: { taskId: string }) => each.taskId === taskId)
    expect(run('call').attempts[0].input).toMatchObject({
      url: `${target('/echo')}?token=[secret:TEST_KEY]`,
      headers: { authorization: 'Bearer [secret:TEST_KEY]' },
      body: { key: '[secret:TEST_KEY]' },
    })
    expect(run('sent').attempts[0].input.auth).toEqual({ bearer: '[secret:TEST_KEY]' })
    expect(run('basic').attempts[0].input.auth).toEqual({ basic: { user: 'ada', password: '[secret:TEST_PASSWORD]' } })
    expect(run('basic').output.body.headers.authorization).toBe('Basic [secret:TEST_PASSWORD]')
    expect(run('down').error.message).toContain('token=[secret:TEST_KEY]')
    expect(run('cast').error.type).toBe('expression_error')
    expect(run('oops').error.message).toBe('failed with [secret:TEST_KEY]')
    expect(run('child').output).toEqual({ status: 200, body: { key: '[secret:TEST_KEY]' }, headers: {} })
    const logs = await json(call('GET', `/api/executions/${executionId}/logs?limit=1000`))
    const messages = logs.items.map((line: { message: string }) => line.message)
    expect(messages).toContain('using [secret:TEST_KEY]')
    expect(messages).toContain('item [secret:TEST_KEY]')

    const stored = await storedText(executionId)
    // the log lines are rows of the keyed table `execution` (src/store/execution/layout.ts)
    for (const table of ['task_runs', 'execution', 'items']) expect(stored).toContain(`"${table}"`)
    expect(stored).toContain('Bearer [secret:TEST_KEY]')
    expect(stored).toContain('using [secret:TEST_KEY]')
    // the index is eventually consistent: once it lists the execution, its rows are there to read
    await listedWhere(`flowId=${flowId}`, (page) => page.items.some((item: { id: string }) => item.id === executionId))
    expect(await indexText()).toContain(executionId)
    expectNoSecret(await everything(executionId))
    expectNoSecret(await everything(run('child').childExecutionId))
  })

  it('are read again from the env after a restart: the retry sends the value, the records keep the mask', async () => {
    const key = uniqueId('restart')
    const { executionId } = await start({
      tasks: [
        {
          id: 'call',
          type: 'http',
          url: target(`/capture?key=${key}&hang=1`),
          headers: { authorization: "Bearer {{ $secret('TEST_KEY') }}" },
          timeout: '1m',
          retry: { maxAttempts: 2, delay: '50ms' },
        },
        { id: 'echo', type: 'http', url: target('/echo'), headers: { 'x-key': "{{ $secret('TEST_KEY') }}" } },
      ],
    })
    await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'running')
    await crash(executionId)
    const detail = await waitFor(executionId, finished)
    expect(detail.status).toBe('completed')
    const sent = await captured(key)
    expect(sent.map((each) => each.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`])
    expect(detail.taskRuns[0].attempts.map((each: { input: any }) => each.input.headers.authorization)).toEqual([
      'Bearer [secret:TEST_KEY]',
      'Bearer [secret:TEST_KEY]',
    ])
    expect(detail.taskRuns[1].output.body.headers['x-key']).toBe('[secret:TEST_KEY]')
    expectNoSecret(await everything(executionId))
  })

  it('cannot read a variable that is not exposed to flows: the task fails with validation_error, never retried', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, {
      tasks: [
        {
          id: 'peek',
          type: 'http',
          url: target('/echo'),
          headers: { 'x-stolen': '{{ $secret(input.body.name) }}' },
          retry: { maxAttempts: 3, delay: '10ms' },
        },
      ],
    })
    for (const name of ['HIDDEN_TEST_KEY', 'API_TOKEN', 'TEST_WEBHOOK_SECRET', 'FLOW_SECRET_TEST_KEY']) {
      const response = await call('POST', `/hooks/${flowId}`, { name })
      const executionId = response.headers.get('x-execution-id')!
      const detail = await waitFor(executionId, finished)
      expect(detail.status).toBe('failed')
      expect(detail.error).toMatchObject({ type: 'validation_error', taskId: 'peek', attempt: 1 })
      expect(detail.error.message).toMatch(/FLOW_SECRET_\w+ is not set|\$secret\('TEST_KEY'\) reads/)
      expect(detail.taskRuns[0].attempts).toHaveLength(1)
      expectNoSecret(await everything(executionId))
    }
  })

  it('are checked at PUT when named literally: an unset or unexposed one is refused with its path', async () => {
    const refused = async (tasks: unknown[]) => {
      const response = await call('PUT', `/api/flows/${uniqueId()}`, { tasks })
      expect(response.status).toBe(400)
      const body = await json(response)
      expect(body.error.code).toBe('invalid_flow')
      expectNoSecret(JSON.stringify(body))
      return body.error.issues
    }
    const unset = await refused([
      { id: 'a', type: 'log', message: "{{ $secret('HIDDEN_TEST_KEY') }}" },
      { id: 'b', type: 'http', url: target('/echo'), sign: { secret: 'API_TOKEN' } },
    ])
    expect(unset).toEqual([
      { path: 'tasks.0.message', message: expect.stringContaining('FLOW_SECRET_HIDDEN_TEST_KEY is not set') },
      { path: 'tasks.1.sign.secret', message: expect.stringContaining('FLOW_SECRET_API_TOKEN is not set') },
    ])
    const prefixed = await refused([{ id: 'c', type: 'log', message: "{{ $secret('FLOW_SECRET_TEST_KEY') }}" }])
    expect(prefixed).toEqual([{ path: 'tasks.0.message', message: expect.stringContaining("$secret('TEST_KEY')") }])
  })

  it('are refused at PUT, with the path of the field, anywhere but whole or joined into a string', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [
        { id: 'prefix', type: 'log', message: "starts {{ $substring($secret('TEST_KEY'), 0, 13) }}" },
        { id: 'ok', type: 'log', message: "{{ 'whole: ' & $secret('TEST_KEY') }}" },
        { id: 'bound', type: 'set', values: { v: "{{ ($s := $secret; $uppercase($s('TEST_KEY'))) }}" } },
      ],
    })
    expect(response.status).toBe(400)
    const body = await json(response)
    expect(body.error.code).toBe('invalid_flow')
    expect(body.error.issues).toEqual([
      { path: 'tasks.0.message', message: expect.stringContaining('not as an argument of $substring') },
      { path: 'tasks.2.values.v', message: expect.stringContaining('$secret is only called by its name') },
    ])
  })
})

describe('secrets in the URL of an http task', () => {
  it('are masked in every form the URL gives them: path, query, fragment, userinfo, host', async () => {
    const part = "{{ $secret('TEST_URL_PART') }}"
    const failing = target('/status/500')
    const port = new URL(failing).port
    const call = (id: string, url: string, extra: object = {}) => ({
      id,
      type: 'http',
      url,
      allowFailure: true,
      ...extra,
    })
    const { executionId } = await start({
      tasks: [
        call('path', `${failing}/${part}/tail`),
        call('query', `${failing}?k=${part}&page=2`),
        call('param', failing, { query: { k: part, page: 2 } }),
        call('fragment', `${failing}#${part}`),
        call('echo', `${target('/echo')}/${part}?k=${part}`),
        call('userinfo', `http://ada:{{ $secret('TEST_URL_USER') }}@127.0.0.1:${port}/status/500`),
        call('host', `http://{{ $secret('TEST_URL_HOST') }}.invalid:1/x`),
        call('idn', `http://{{ $secret('TEST_URL_IDN') }}.invalid:1/x`),
        call('header', target('/echo'), { headers: { 'x-key': "{{ $secret('TEST_URL_NL') }}" } }),
        { id: 'say', type: 'log', message: '{{ $string(outputs) }}' },
      ],
    })
    const detail = await waitFor(executionId, finished)
    const runs = Object.fromEntries(detail.taskRuns.map((run: { taskId: string }) => [run.taskId, run]))
    for (const id of ['path', 'query', 'param', 'fragment', 'userinfo', 'host', 'idn']) {
      expect(runs[id].status, id).toBe('warning')
      expect(runs[id].error.message, id).toContain('[secret:TEST_URL_')
    }
    expect(runs.echo.status).toBe('completed')
    const text = await everything(executionId)
    expect(runs.header.output.body.headers['x-key']).toBe('[secret:TEST_URL_NL]')
    const values = ['PART', 'USER', 'HOST', 'IDN', 'NL'].map((name) => env[`FLOW_SECRET_TEST_URL_${name}`] as string)
    for (const value of values) {
      for (const form of [...urlForms(value), ...urlForms(value.trim())]) expect(text).not.toContain(form)
    }
    // the parts of the URL around a secret stay readable when it was kept whole
    expect(runs.query.error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/status\/500\?k=\[secret:TEST_URL_PART\]/)
    expect(runs.host.error.message).toContain('http://[secret:TEST_URL_HOST].invalid:1/x')
  })
})

describe('http auth and signing', () => {
  it('refuses auth together with an Authorization header', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'call',
          type: 'http',
          url: target('/echo'),
          headers: { Authorization: 'Bearer mine' },
          auth: { bearer: "{{ $secret('TEST_KEY') }}" },
        },
      ],
    })
    const detail = await waitFor(executionId, finished)
    expect(detail.error).toMatchObject({ type: 'validation_error', message: expect.stringContaining('not both') })
  })

  it('signs a webhook the Standard Webhooks way, with one webhook-id across the retries of the task run', async () => {
    const key = uniqueId('signed')
    const { executionId } = await start({
      tasks: [
        {
          id: 'deliver',
          type: 'http',
          method: 'POST',
          url: target(`/capture?key=${key}&fail=1`),
          body: { type: 'order.paid', order: 42, note: 'é ✓' },
          sign: { secret: 'TEST_SIGNING' },
          retry: { maxAttempts: 2, delay: '10ms' },
        },
      ],
    })
    const detail = await waitFor(executionId, finished)
    expect(detail.status).toBe('completed')
    const deliveries = await captured(key)
    expect(deliveries).toHaveLength(2)
    const receiver = new Webhook(env.FLOW_SECRET_TEST_SIGNING)
    for (const delivery of deliveries) {
      expect(receiver.verify(delivery.body, delivery.headers)).toEqual({ type: 'order.paid', order: 42, note: 'é ✓' })
    }
    const ids = deliveries.map((each) => each.headers['webhook-id'])
    expect(ids).toEqual([`${executionId}:${detail.taskRuns[0].id}`, `${executionId}:${detail.taskRuns[0].id}`])
    const other = new Webhook(`whsec_${btoa('another-key-entirely')}`)
    expect(() => other.verify(deliveries[0]!.body, deliveries[0]!.headers)).toThrow()
    expectNoSecret(await everything(executionId))
  })

  it('refuses a signing secret that is not a Standard Webhooks key: at PUT when named, else with validation_error', async () => {
    const deliver = (sign: unknown) => ({
      tasks: [{ id: 'deliver', type: 'http', method: 'POST', url: target('/echo'), sign }],
    })
    const response = await call('PUT', `/api/flows/${uniqueId()}`, deliver({ secret: 'TEST_KEY' }))
    expect(response.status).toBe(400)
    expect((await json(response)).error.issues).toEqual([
      { path: 'tasks.0.sign.secret', message: expect.stringContaining('is not a Standard Webhooks key') },
    ])
    const cases = { TEST_KEY: 'is not a Standard Webhooks key', MISSING: 'FLOW_SECRET_MISSING is not set' }
    for (const [name, message] of Object.entries(cases)) {
      const { executionId } = await start(deliver("{{ { 'secret': input.body.name } }}"), { name })
      const detail = await waitFor(executionId, finished)
      expect(detail.error).toMatchObject({ type: 'validation_error', taskId: 'deliver' })
      expect(detail.error.message).toContain(message)
      expectNoSecret(await everything(executionId))
    }
  })
})
