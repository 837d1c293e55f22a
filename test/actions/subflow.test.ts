import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { launch, triggerInput } from '../../src/objects/stubs'
import { call, execution, finished, json, listed, putFlow, uniqueId, waitFor } from '../helpers/api'
import { crash, start, statuses, stubOf } from '../helpers/engine'

async function child(definition: object) {
  const id = uniqueId('child')
  await putFlow(id, definition)
  return id
}

/** A parent whose subflow task waits for a child that sleeps 300 ms, then returns `{ slept: true }`. */
async function parentOfANapper() {
  const childId = await child({
    tasks: [
      { id: 'nap', type: 'delay', duration: '300ms' },
      { id: 'r', type: 'return', body: { slept: true } },
    ],
  })
  const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId }] })
  return { executionId, waiting: await waitFor(executionId, (e) => e.status === 'waiting') }
}

describe('subflow', () => {
  it('starts a child execution, waits for it, and outputs its output', async () => {
    const childId = await child({
      mode: 'sync',
      tasks: [{ id: 'hello', type: 'return', status: 201, body: { hi: '{{ input.body.name }}' } }],
    })
    const { executionId } = await start(
      {
        tasks: [
          { id: 'call', type: 'subflow', flowId: childId, input: { name: '{{ input.body.name }}' } },
          { id: 'after', type: 'set', values: { got: '{{ outputs.call.body.hi }}' } },
        ],
      },
      { name: 'Ada' },
    )
    const done = await waitFor(executionId, finished)
    expect(done.vars).toEqual({ got: 'Ada' })
    const run = done.taskRuns[0]
    expect(run.output).toEqual({ status: 201, body: { hi: 'Ada' }, headers: {} })
    const kid = await execution(run.childExecutionId)
    expect(kid).toMatchObject({
      trigger: 'subflow',
      parentExecutionId: executionId,
      flowId: childId,
      input: { headers: {}, body: { name: 'Ada' } },
    })
    const children = await listed(`parentId=${executionId}`, 1)
    expect(children.items.map((item: { id: string }) => item.id)).toEqual([run.childExecutionId])
  })

  it('keeps the parent task waiting while the child runs, and survives a reset of the parent', async () => {
    const { executionId, waiting } = await parentOfANapper()
    expect(waiting.taskRuns[0]).toMatchObject({ status: 'waiting', childExecutionId: expect.any(String) })
    await crash(executionId)
    const done = await waitFor(executionId, finished)
    expect(done.taskRuns[0].output.body).toEqual({ slept: true })
  })

  it('fails with subflow_failed naming the child when the child fails', async () => {
    const childId = await child({ tasks: [{ id: 'boom', type: 'fail', message: 'child broke' }] })
    const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId }] })
    const done = await waitFor(executionId, finished)
    const childExecutionId = done.taskRuns[0].childExecutionId
    expect(done.error).toMatchObject({ taskId: 'call', type: 'subflow_failed' })
    expect(done.error.message).toBe(`child execution ${childExecutionId} failed: child broke`)
  })

  it('fires and forgets with wait: false', async () => {
    const childId = await child({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    // each attempt must have started its child before it times out, even on a loaded machine (200 ms was not always enough)
    const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId, wait: false }] })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    const kid = await execution(done.taskRuns[0].output.executionId)
    expect(kid.status).toBe('delayed')
  })

  it('runs a given revision of the child flow', async () => {
    const childId = await child({ mode: 'sync', tasks: [{ id: 'r', type: 'return', body: { v: 1 } }] })
    await putFlow(childId, { mode: 'sync', tasks: [{ id: 'r', type: 'return', body: { v: 2 } }] })
    const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId, revision: 1 }] })
    expect((await waitFor(executionId, finished)).taskRuns[0].output.body).toEqual({ v: 1 })
  })

  it('refuses to nest deeper than 10 with a clear error', async () => {
    const id = uniqueId('deep')
    await putFlow(id, { tasks: [{ id: 'again', type: 'subflow', flowId: id }] })
    const response = await call('POST', `/hooks/${id}`, {})
    const done = await waitFor(response.headers.get('x-execution-id')!, finished, 20_000)
    expect(done.error.type).toBe('subflow_failed')
    expect(done.error.message).toContain('subflows may nest 10 deep at most')
  })

  it('fails with a clear error when the child flow does not exist', async () => {
    const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: 'nobody_home' }] })
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({
      taskId: 'call',
      type: 'validation_error',
      message: 'flow nobody_home does not exist',
    })
  })

  it('refuses a disabled child flow, its latest revision or one pinned', async () => {
    const childId = await child({ tasks: [{ id: 'r', type: 'return', body: { v: 1 } }] })
    expect((await call('DELETE', `/api/flows/${childId}`)).status).toBe(204)
    for (const pinned of [{}, { revision: 1 }]) {
      const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId, ...pinned }] })
      expect((await waitFor(executionId, finished)).error).toMatchObject({
        taskId: 'call',
        type: 'validation_error',
        message: `flow ${childId} is disabled (a PUT of it enables it again)`,
      })
    }
  })

  it('kills the child when the parent is killed', async () => {
    const childId = await child({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    // each attempt must have started its child before it times out, even on a loaded machine (200 ms was not always enough)
    const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId }] })
    const waiting = await waitFor(executionId, (e) => e.status === 'waiting')
    const killed = await call('POST', `/api/executions/${executionId}/kill`)
    expect(killed.status).toBe(202)
    expect(await json(killed)).toMatchObject({ status: 'killed' })
    const kid = await waitFor(waiting.taskRuns[0].childExecutionId, finished)
    expect(kid.status).toBe('killed')
    expect(statuses(await execution(executionId))).toEqual([['call', 'killed']])
  })
})

describe('children given up', () => {
  it('are killed when their attempt times out, and their end is taken without waking the parent again', async () => {
    const childId = await child({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    // each attempt must have started its child before it times out, even on a loaded machine (200 ms was not always enough)
    const { executionId } = await start({
      tasks: [
        { id: 'call', type: 'subflow', flowId: childId, timeout: '1s', retry: { maxAttempts: 2, delay: '500ms' } },
      ],
    })
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ taskId: 'call', type: 'timeout', attempt: 2 })
    const children = await listed(`parentId=${executionId}`, 2)
    for (const item of children.items) {
      const kid = await waitFor(item.id, finished)
      expect(kid.status).toBe('killed')
      const logs = await json(call('GET', `/api/executions/${item.id}/logs?level=warn`))
      expect(logs.items.filter((line: { message: string }) => line.message.includes('notify'))).toEqual([])
    }
  })
})

describe('execution ids', () => {
  it('name one flow only: a start for another flow under the same id is refused', async () => {
    const childId = await child({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    const { executionId, flowId } = await start({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    const stolen = await launch(env, {
      executionId,
      flowId: childId,
      revision: 1,
      definition: { mode: 'async', tasks: [{ id: 'x', type: 'log', message: '.' }] } as never,
      trigger: 'manual',
      input: triggerInput('manual', {}, Date.now()),
    })
    expect(stolen).toMatchObject({ ok: false, code: 'conflict' })
    expect((await execution(executionId)).flowId).toBe(flowId)
  })
})

describe('a subflow attempt cut off by a restart', () => {
  /** Rewinds the parent's task run to its open attempt, as a crash between the child's start and its answer leaves it. */
  async function rewindToOpenAttempt(parentId: string, childId: string) {
    await runInDurableObject(stubOf(parentId), (_, state) => {
      const [row] = state.storage.sql
        .exec<{ attempts: string }>('SELECT attempts FROM task_runs WHERE id = 1')
        .toArray()
      const attempts = JSON.parse(row!.attempts)
      const open = { ...attempts.at(-1), status: 'running', endedAt: null, childExecutionId: childId }
      state.storage.sql.exec(
        "UPDATE task_runs SET status = 'running', child_execution_id = NULL, attempts = ? WHERE id = 1",
        JSON.stringify([...attempts.slice(0, -1), open]),
      )
    })
    await crash(parentId)
    await runDurableObjectAlarm(stubOf(parentId))
  }

  it('runs again as the same attempt and finds the child it recorded, starting no second one', async () => {
    const { executionId, waiting } = await parentOfANapper()
    const kid = waiting.taskRuns[0].childExecutionId
    expect(kid).toMatch(/^[0-9a-f]{64}$/)
    await rewindToOpenAttempt(executionId, kid)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    expect(done.taskRuns[0]).toMatchObject({ childExecutionId: kid, output: { body: { slept: true } } })
    expect(done.taskRuns[0].attempts).toHaveLength(1)
    const children = await listed(`parentId=${executionId}`, 1)
    expect(children.items.map((item: { id: string }) => item.id)).toEqual([kid])
  })

  it('starts the child under the id the attempt recorded when the first start never reached it', async () => {
    const childId = await child({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    // each attempt must have started its child before it times out, even on a loaded machine (200 ms was not always enough)
    const { executionId } = await start({ tasks: [{ id: 'call', type: 'subflow', flowId: childId }] })
    const waiting = await waitFor(executionId, (e) => e.status === 'waiting')
    const recorded = env.EXECUTIONS.newUniqueId().toString()
    await rewindToOpenAttempt(executionId, recorded)
    const resumed = await waitFor(executionId, (e) => e.taskRuns[0].childExecutionId === recorded)
    expect(resumed.taskRuns[0]).toMatchObject({ childExecutionId: recorded, attempts: [{ number: 1 }] })
    expect(await execution(recorded)).toMatchObject({ parentExecutionId: executionId, flowId: childId })
    expect(resumed.taskRuns[0].status).toBe('waiting')
    // the first child was started by the attempt before the rewind: this test stops it itself
    for (const id of [executionId, waiting.taskRuns[0].childExecutionId])
      await call('POST', `/api/executions/${id}/kill`)
    expect(await waitFor(recorded, finished)).toMatchObject({ status: 'killed' })
  })
})
