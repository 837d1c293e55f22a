import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, execution, finished, json, listed, listedWhere, putFlow, uniqueId, waitFor } from '../helpers/api'

const twoSteps = {
  mode: 'sync',
  tasks: [
    { id: 'remember', type: 'set', values: { n: '{{ input.body.n }}' } },
    { id: 'answer', type: 'return', body: { double: '{{ vars.n * 2 }}' } },
  ],
}

async function run(flowId: string, body: unknown = { n: 1 }): Promise<string> {
  const response = await call('POST', `/hooks/${flowId}`, body)
  return response.headers.get('x-execution-id')!
}

describe('GET /api/executions/:id', () => {
  it('shows the execution from its object: status, input, output, times, task runs with attempts, outputs and metrics', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, twoSteps)
    const id = await run(flowId, { n: 21 })
    const response = await call('GET', `/api/executions/${id}`)
    expect(response.headers.get('x-execution-id')).toBe(id)
    const detail = await json(response)
    expect(detail).toMatchObject({
      id,
      flowId,
      revision: 1,
      status: 'completed',
      mode: 'sync',
      trigger: 'webhook',
      input: { body: { n: 21 } },
      output: { status: 200, body: { double: 42 }, headers: {} },
      error: null,
      vars: { n: 21 },
      replayOf: null,
      parentExecutionId: null,
      taskRunsCursor: null,
    })
    for (const field of ['createdAt', 'startedAt', 'endedAt']) expect(Date.parse(detail[field])).not.toBeNaN()
    expect(detail.durationMs).toBeGreaterThanOrEqual(0)
    expect(detail.taskRuns.map((run: { taskId: string; status: string }) => [run.taskId, run.status])).toEqual([
      ['remember', 'completed'],
      ['answer', 'completed'],
    ])
    const [remember] = detail.taskRuns
    expect(remember).toMatchObject({ id: 1, type: 'set', parentTaskRunId: null, iteration: null, output: { n: 21 } })
    expect(remember.attempts).toEqual([
      expect.objectContaining({
        number: 1,
        status: 'completed',
        input: { values: { n: 21 } },
        output: { n: 21 },
        error: null,
        metrics: [],
      }),
    ])
    expect(remember.metrics).toEqual([{ name: 'duration', type: 'duration', value: expect.any(Number) }])
  })

  it('answers 404 for an unknown id and leaves no state behind', async () => {
    const id = crypto.randomUUID()
    const response = await call('GET', `/api/executions/${id}`)
    expect(response.status).toBe(404)
    expect((await json(response)).error).toEqual({ code: 'not_found', message: `execution ${id} not found` })
    const stub = env.EXECUTIONS.get(env.EXECUTIONS.idFromName(id))
    const tables = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    )
    expect(tables).toEqual([])
    expect((await call('GET', '/api/executions/not-a-uuid')).status).toBe(404)
  })
})

describe('GET /api/executions', () => {
  it('lists newest first from D1, filtered by flow and status, paged with an opaque cursor', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, twoSteps)
    const ids: string[] = []
    for (let n = 0; n < 3; n++) ids.push(await run(flowId, { n }))
    const failing = uniqueId()
    await putFlow(failing, { mode: 'sync', tasks: [{ id: 'f', type: 'fail', message: 'x' }] })
    const failed = await run(failing)
    await waitFor(failed, finished)
    await listedWhere(
      `flowId=${flowId}`,
      (page) => page.items.length === 3 && page.items.every((item: { status: string }) => item.status === 'completed'),
    )
    await listedWhere(`flowId=${failing}`, (page) => page.items[0]?.status === 'failed')

    let page = await json(call('GET', `/api/executions?flowId=${flowId}&limit=2`))
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]])
    expect(page.items[0]).toMatchObject({
      flowId,
      status: 'completed',
      trigger: 'webhook',
      mode: 'sync',
      outputStatus: 200,
      error: null,
    })
    page = await json(call('GET', `/api/executions?flowId=${flowId}&limit=2&cursor=${page.nextCursor}`))
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([ids[0]])
    expect(page.nextCursor).toBeNull()

    const byStatus = await json(call('GET', `/api/executions?status=failed&flowId=${failing}`))
    expect(byStatus.items).toEqual([
      expect.objectContaining({
        id: failed,
        status: 'failed',
        outputStatus: 500,
        error: { type: 'fail_task', taskId: 'f', message: 'x' },
      }),
    ])
  })

  it('filters by creation time', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, twoSteps)
    const before = new Date(Date.now() - 1000).toISOString()
    const id = await run(flowId)
    const after = new Date(Date.now() + 1000).toISOString()
    await listed(`flowId=${flowId}`, 1)
    expect(
      (await json(call('GET', `/api/executions?flowId=${flowId}&since=${before}&until=${after}`))).items.map(
        (i: { id: string }) => i.id,
      ),
    ).toEqual([id])
    expect((await json(call('GET', `/api/executions?flowId=${flowId}&since=${after}`))).items).toEqual([])
  })

  it('refuses bad filters with 400 and the bad fields', async () => {
    expect((await call('GET', '/api/executions?cursor=%25%25%25')).status).toBe(400)
    const response = await call('GET', '/api/executions?status=sleeping&limit=500&since=yesterday&cursor=zzz')
    expect(response.status).toBe(400)
    const paths = (await json(response)).error.issues.map((issue: { path: string }) => issue.path)
    expect(paths).toEqual(expect.arrayContaining(['status', 'limit', 'since', 'cursor']))
  })
})

describe('GET /api/executions/:id/task-runs', () => {
  it('pages task runs after a cursor', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, twoSteps)
    const id = await run(flowId)
    const first = await json(call('GET', `/api/executions/${id}/task-runs?limit=1`))
    expect(first.items.map((run: { taskId: string }) => run.taskId)).toEqual(['remember'])
    const second = await json(call('GET', `/api/executions/${id}/task-runs?limit=1&cursor=${first.nextCursor}`))
    expect(second.items.map((run: { taskId: string }) => run.taskId)).toEqual(['answer'])
    expect((await execution(id)).taskRuns).toHaveLength(2)
  })
})

describe('DELETE /api/executions/:id', () => {
  it('deletes a final execution for good: 204, then GET, logs and task runs are 404 and the list leaves it out', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, twoSteps)
    const [gone, kept] = [await run(flowId), await run(flowId)]
    await listed(`flowId=${flowId}`, 2)
    const response = await call('DELETE', `/api/executions/${gone}`)
    expect(response.status).toBe(204)
    expect(response.headers.get('x-execution-id')).toBe(gone)
    for (const path of ['', '/logs', '/task-runs']) {
      expect((await call('GET', `/api/executions/${gone}${path}`)).status).toBe(404)
    }
    // the list leaves it out once the index queue has delivered the deletion
    const page = await listed(`flowId=${flowId}`, 1)
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([kept])
    expect((await call('DELETE', `/api/executions/${gone}`)).status).toBe(404)
    expect((await call('POST', `/api/executions/${gone}/replay`, {})).status).toBe(404)
  })

  it('refuses an execution that has not ended with 409 not_final and keeps it; once killed it can go', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    const id = await run(flowId)
    await waitFor(id, (e) => e.status === 'delayed')
    const refused = await call('DELETE', `/api/executions/${id}`)
    expect(refused.status).toBe(409)
    expect((await json(refused)).error).toEqual({
      code: 'not_final',
      message: `execution ${id} is delayed: only an execution that ended can be deleted (kill it first)`,
    })
    expect((await execution(id)).status).toBe('delayed')
    await call('POST', `/api/executions/${id}/kill`)
    expect((await call('DELETE', `/api/executions/${id}`)).status).toBe(204)
    expect((await call('GET', `/api/executions/${id}`)).status).toBe(404)
  })

  it('answers 404 for an unknown or malformed id', async () => {
    const id = crypto.randomUUID()
    const response = await call('DELETE', `/api/executions/${id}`)
    expect(response.status).toBe(404)
    expect((await json(response)).error.code).toBe('not_found')
    expect((await call('DELETE', '/api/executions/not-a-uuid')).status).toBe(404)
  })
})
