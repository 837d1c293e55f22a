import { exports } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { createClient, EdgeflowError, type FlowDefinition } from '../../src/client/index'
import { BASE, uniqueId } from '../helpers/api'

const client = createClient({ url: BASE, fetch: (request) => exports.default.fetch(request) })

const greet: FlowDefinition = {
  mode: 'sync',
  tasks: [{ id: 'hello', type: 'return', body: { greeting: 'Hello, {{ input.body.name }}!' } }],
}
const sleepy: FlowDefinition = { tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] }
const approval: FlowDefinition = {
  tasks: [
    { id: 'approval', type: 'wait', event: 'approved', timeout: '1h' },
    { id: 'record', type: 'set', values: { approvedBy: '{{ outputs.approval.by }}' } },
  ],
}
const failing: FlowDefinition = { tasks: [{ id: 'boom', type: 'fail', message: 'no' }] }

/** The EdgeflowError a promise rejects with. */
async function problemOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(EdgeflowError)
  return (error as EdgeflowError).problem
}

describe('flows', () => {
  it('puts, reads, lists, pages revisions, disables, enables and deletes a flow', async () => {
    const id = uniqueId('client')
    expect(await client.flows.put(id, greet)).toMatchObject({ id, revision: 1, created: true, changed: true })
    expect(await client.flows.put(id, greet)).toMatchObject({ revision: 1, created: false, changed: false })
    const changed = { ...greet, name: 'Greet' }
    expect(await client.flows.put(id, changed)).toMatchObject({ revision: 2, created: false, changed: true })
    expect((await client.flows.get(id)).definition).toMatchObject({ name: 'Greet' })
    expect((await client.flows.list({ limit: 100 })).items.map((flow) => flow.id)).toContain(id)
    expect((await client.flows.revisions(id)).items.map((revision) => revision.revision).sort()).toEqual([1, 2])
    expect((await client.flows.revision(id, 1)).definition).not.toHaveProperty('name')

    await client.flows.disable(id)
    expect(await problemOf(client.flows.trigger(id, {}))).toMatchObject({ type: 'api', status: 404, code: 'not_found' })
    expect(await client.flows.enable(id)).toMatchObject({ revision: 2, enabled: true, changed: false })
    expect((await client.flows.trigger(id, { name: 'Ada' })).kind).toBe('answered')

    await client.flows.delete(id)
    expect(await problemOf(client.flows.get(id))).toMatchObject({ status: 404, code: 'not_found' })
  })

  it('puts a flow from its YAML source', async () => {
    const id = uniqueId('yaml')
    const yaml = 'mode: sync\ntasks:\n  - id: hi\n    type: return\n    body: { hi: there }\n'
    expect(await client.flows.putSource(id, yaml, 'yaml')).toMatchObject({ revision: 1, created: true })
    expect(await client.flows.putSource(id, yaml, 'yaml')).toMatchObject({ revision: 1, changed: false })
  })

  it('throws the API error with its status, code, message and the path of every bad field', async () => {
    const problem = await problemOf(client.flows.putSource(uniqueId(), '{"tasks":[{"id":"x","type":"nope"}]}', 'json'))
    expect(problem).toMatchObject({ type: 'api', status: 400, code: 'invalid_flow' })
    expect(problem.type === 'api' && problem.issues.map((issue) => issue.path)).toContain('tasks.0.type')
  })
})

describe('triggers and executions', () => {
  it('answers a sync flow with its output and an async one with where to poll', async () => {
    const sync = uniqueId('sync')
    await client.flows.put(sync, greet)
    const answered = await client.flows.trigger(sync, { name: 'Ada' })
    expect(answered).toMatchObject({ kind: 'answered', status: 200, body: { greeting: 'Hello, Ada!' } })

    const async = uniqueId('async')
    await client.flows.put(async, sleepy)
    const accepted = await client.flows.trigger(async, {})
    expect(accepted).toMatchObject({ kind: 'accepted', status: 'pending' })
    expect(accepted.kind === 'accepted' && accepted.statusUrl).toBe(`${BASE}/api/executions/${accepted.executionId}`)
    await client.executions.kill(accepted.executionId)
  })

  it("answers a failed sync flow's 500 as the flow's answer, not as an API error", async () => {
    const id = uniqueId('failsync')
    await client.flows.put(id, { ...failing, mode: 'sync' })
    const answered = await client.flows.trigger(id, {})
    expect(answered).toMatchObject({
      kind: 'answered',
      status: 500,
      body: { error: { type: 'fail_task', message: 'no' } },
    })
  })

  it('waits for a status, delivers an event, waits for the end, reads runs and logs, deletes', async () => {
    const id = uniqueId('approval')
    await client.flows.put(id, approval)
    const { executionId } = await client.flows.trigger(id, {})
    const polled: string[] = []
    const waiting = await client.waitFor(executionId, { status: 'waiting', onPoll: (e) => polled.push(e.status) })
    expect(waiting).toMatchObject({ reached: true, status: 'waiting' })
    expect(polled.at(-1)).toBe('waiting')

    expect(await client.executions.event(executionId, 'approved', { by: 'ops' })).toMatchObject({
      executionId,
      event: 'approved',
      delivered: true,
    })
    const ended = await client.waitFor(executionId)
    expect(ended).toMatchObject({ reached: true, status: 'completed', execution: { vars: { approvedBy: 'ops' } } })

    expect((await client.executions.taskRuns(executionId)).items.map((run) => run.taskId)).toEqual([
      'approval',
      'record',
    ])
    expect((await client.executions.logs(executionId, { level: 'info' })).items.length).toBeGreaterThan(0)
    // the list follows the objects through the index queue, a moment behind
    const listed = await vi.waitUntil(
      async () => {
        const page = await client.executions.list({ flowId: id })
        return page.items.length > 0 ? page : null
      },
      { timeout: 5_000, interval: 50 },
    )
    expect(listed.items.map((item) => item.id)).toEqual([executionId])
    await client.executions.delete(executionId)
    expect(await problemOf(client.executions.get(executionId))).toMatchObject({ status: 404, executionId })
  })

  it('says which final status an execution ended in when it was not the one awaited', async () => {
    const id = uniqueId('fails')
    await client.flows.put(id, failing)
    const { executionId } = await client.flows.trigger(id, {})
    expect(await client.waitFor(executionId, { status: 'completed' })).toMatchObject({
      reached: false,
      status: 'failed',
    })
  })

  it('pauses, resumes and kills; a refusal is a 409 conflict; a wait past its time is a timeout', async () => {
    const id = uniqueId('sleepy')
    await client.flows.put(id, sleepy)
    const { executionId } = await client.flows.trigger(id, {})
    await client.waitFor(executionId, { status: 'delayed' })
    expect(await client.executions.pause(executionId)).toMatchObject({ executionId, status: 'paused' })
    expect(await problemOf(client.executions.pause(executionId))).toMatchObject({ status: 409, code: 'conflict' })
    expect((await client.executions.resume(executionId)).status).toBe('delayed')
    const started = Date.now()
    expect(await problemOf(client.waitFor(executionId, { timeoutMs: 300 }))).toMatchObject({
      type: 'timeout',
      executionId,
      lastStatus: 'delayed',
    })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect((await client.executions.kill(executionId)).status).toBe('killed')
  })

  it('replays a failed execution on a fixed revision', async () => {
    const id = uniqueId('replay')
    await client.flows.put(id, failing)
    const { executionId } = await client.flows.trigger(id, {})
    await client.waitFor(executionId)
    await client.flows.put(id, { tasks: [{ id: 'boom', type: 'set', values: { fixed: true } }] })
    const replay = await client.executions.replay(executionId)
    expect(replay).toMatchObject({ replayOf: executionId, revision: 2, fromTaskId: 'boom' })
    expect(await client.waitFor(replay.executionId)).toMatchObject({ reached: true, status: 'completed' })
  })

  it('kills, replays and deletes in bulk, by ids or by a filter; too many ids is a 400 naming ids', async () => {
    const id = uniqueId('bulk')
    await client.flows.put(id, failing)
    const ids = [(await client.flows.trigger(id, {})).executionId, (await client.flows.trigger(id, {})).executionId]
    for (const executionId of ids) await client.waitFor(executionId)
    await client.flows.put(id, { tasks: [{ id: 'boom', type: 'set', values: { fixed: true } }] })
    const replayed = await client.executions.bulk.replay({ ids })
    expect(replayed).toMatchObject({ action: 'replay', matched: 2 })
    for (const result of replayed.results) {
      expect(result).toMatchObject({ ok: true, revision: 2, fromTaskId: 'boom' })
      if (result.ok && result.executionId) await client.waitFor(result.executionId)
    }
    const killed = await client.executions.bulk.kill({ ids })
    expect(killed.results.map((result) => result.ok)).toEqual([false, false])
    // the list is eventually consistent: the filter finds both once they are indexed
    await vi.waitUntil(async () => (await client.executions.list({ flowId: id, status: 'failed' })).items.length === 2)
    const deleted = await client.executions.bulk.delete({ filter: { flowId: id, status: 'failed' } })
    expect(deleted.results.map((result) => result.id).sort()).toEqual([...ids].sort())
    expect(await problemOf(client.executions.bulk.kill({ ids: Array.from({ length: 501 }, String) }))).toMatchObject({
      status: 400,
      issues: [{ path: 'ids' }],
    })
  })

  it('runs a single task ad hoc, and calls a webhook', async () => {
    const run = await client.executions.run({ task: { id: 'sum', type: 'set', values: { total: '{{ 1 + 2 }}' } } })
    expect(run).toMatchObject({ kind: 'answered', status: 200, body: { total: 3 } })
    const id = uniqueId('hook')
    await client.flows.put(id, greet)
    expect(await client.hooks.send(id, { name: 'Hook' })).toMatchObject({ body: { greeting: 'Hello, Hook!' } })
  })
})

describe('waitFor against a busy or unreachable server', () => {
  it('polls again after a 503, waiting what Retry-After asks', async () => {
    const id = uniqueId('busy')
    await client.flows.put(id, greet)
    const { executionId } = await client.flows.trigger(id, {})
    let refusals = 1
    const seen: number[] = []
    const busy = createClient({
      url: BASE,
      fetch: async (request) => {
        seen.push(Date.now())
        if (refusals-- > 0) return new Response('busy', { status: 503, headers: { 'retry-after': '0' } })
        return exports.default.fetch(request)
      },
    })
    expect(await busy.waitFor(executionId)).toMatchObject({ reached: true, status: 'completed' })
    expect(seen).toHaveLength(2)
    // Retry-After: 0 beats the back-off's first 250 ms
    expect((seen[1] ?? 0) - (seen[0] ?? 0)).toBeLessThan(200)
  })

  it('rejects at once on an error that polling again cannot fix', async () => {
    expect(await problemOf(client.waitFor(crypto.randomUUID()))).toMatchObject({ status: 404, code: 'not_found' })
  })

  it('lists executions by their labels (repeated label parameters: all must match)', async () => {
    const id = uniqueId()
    const customer = uniqueId('c')
    await client.flows.put(id, {
      mode: 'sync',
      labels: { customer, plan: '{{ input.body.plan }}' },
      tasks: [{ id: 'done', type: 'return', body: {} }],
    })
    await client.flows.trigger(id, { plan: 'gold' })
    await client.flows.trigger(id, { plan: 'free' })
    const page = await vi.waitUntil(
      async () => {
        const found = await client.executions.list({ label: [`customer:${customer}`, 'plan:gold'] })
        return found.items.length > 0 ? found : null
      },
      { timeout: 5_000, interval: 50 },
    )
    expect(page.items.map((item) => item.labels)).toEqual([{ customer, plan: 'gold' }])
    expect((await client.executions.get(page.items[0]!.id)).labels).toEqual({ customer, plan: 'gold' })
  })

  it('reports a server it cannot reach as a network problem', async () => {
    const down = createClient({ url: BASE, fetch: () => Promise.reject(new TypeError('connection refused')) })
    expect(await problemOf(down.flows.list())).toMatchObject({
      type: 'network',
      message: `could not reach ${BASE}: connection refused`,
    })
  })
})
