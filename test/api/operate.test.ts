import { describe, expect, it } from 'vitest'
import { BASE, call, execution, finished, json, putFlow, target, uniqueId, waitFor } from '../helpers/api'
import { runInDurableObject } from 'cloudflare:test'
import { alarmOf, callsTo, cleanupAt, crash, endDelay, start, statuses, stubOf } from '../helpers/engine'

const post = (executionId: string, action: string, body?: unknown) =>
  call('POST', `/api/executions/${executionId}/${action}`, body)

describe('kill', () => {
  it('stops an in-flight http call: killing, then killed, the running task run killed', async () => {
    const key = uniqueId('hang')
    const { executionId } = await start({
      tasks: [
        { id: 'stuck', type: 'http', url: target(`/hang?key=${key}`), timeout: '1m' },
        { id: 'never', type: 'log', message: 'x' },
      ],
    })
    await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'running')
    const response = await post(executionId, 'kill')
    expect(response.status).toBe(202)
    // the one Accepted body every 202 has, with where to poll
    const statusUrl = `${BASE}/api/executions/${executionId}`
    expect(await json(response)).toEqual({ executionId, status: 'killed', statusUrl })
    expect(response.headers.get('location')).toBe(statusUrl)
    const detail = await execution(executionId)
    expect(statuses(detail)).toEqual([['stuck', 'killed']])
    expect(detail.taskRuns[0].attempts[0]).toMatchObject({ status: 'killed', error: { message: 'killed on request' } })
    expect(detail.output.status).toBe(500)
    expect(await alarmOf(executionId)).toBe(cleanupAt(detail))
  })

  it('stops a delay and leaves no alarm but its cleanup; killing a final execution is 409', async () => {
    const { executionId } = await start({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    await waitFor(executionId, (e) => e.status === 'delayed')
    await post(executionId, 'kill')
    const detail = await execution(executionId)
    expect(detail).toMatchObject({ status: 'killed', wakeAt: null })
    expect(await alarmOf(executionId)).toBe(cleanupAt(detail))
    const again = await post(executionId, 'kill')
    expect(again.status).toBe(409)
    expect((await json(again)).error.message).toBe('cannot kill an execution that is killed')
    expect((await post(crypto.randomUUID(), 'kill')).status).toBe(404)
  })
})

describe('pause and resume', () => {
  it('pause at once during a delay, keep its clock, hold past its end, and resume where it stopped', async () => {
    const { executionId } = await start({
      tasks: [
        { id: 'nap', type: 'delay', duration: '1h' },
        { id: 'after', type: 'set', values: { done: true } },
      ],
    })
    const delayed = await waitFor(executionId, (e) => e.status === 'delayed')
    expect(await json(post(executionId, 'pause'))).toMatchObject({ executionId, status: 'paused' })
    // the delay's clock runs on while paused: its end is recorded, and the execution holds past it
    await endDelay(executionId, delayed.taskRuns[0].id)
    const held = await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'completed')
    expect(held.status).toBe('paused')
    expect(statuses(held)).toEqual([
      ['nap', 'completed'],
      ['after', 'pending'],
    ])
    expect((await post(executionId, 'pause')).status).toBe(409)
    expect(await json(post(executionId, 'resume'))).toMatchObject({ status: 'completed' })
    expect((await execution(executionId)).vars).toEqual({ done: true })
    expect((await post(executionId, 'resume')).status).toBe(409)
  })

  it('let the running task finish, then hold', async () => {
    const gate = uniqueId('gate')
    const { executionId } = await start({
      tasks: [
        { id: 'slow', type: 'http', url: target(`/gate/${gate}`) },
        { id: 'after', type: 'set', values: { done: true } },
      ],
    })
    await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'running')
    await post(executionId, 'pause')
    // the call ends only now, after the pause, however slow the machine
    await fetch(target(`/open/${gate}`))
    const held = await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'completed')
    expect(held.status).toBe('paused')
    expect(statuses(held)).toEqual([
      ['slow', 'completed'],
      ['after', 'pending'],
    ])
    await post(executionId, 'resume')
    expect((await waitFor(executionId, finished)).status).toBe('completed')
  })
})

describe('replay', () => {
  it('runs a fixed revision from the failed task, reusing what completed before it', async () => {
    const flowId = uniqueId()
    const key = uniqueId('replay')
    const broken = {
      tasks: [
        { id: 'fetch', type: 'http', url: target(`/count?key=${key}`) },
        { id: 'remember', type: 'set', values: { count: '{{ outputs.fetch.body.count }}' } },
        { id: 'compute', type: 'set', values: { double: "{{ vars.count * $number('two') }}" } },
        { id: 'answer', type: 'return', body: { double: '{{ vars.double }}' } },
      ],
    }
    await putFlow(flowId, broken)
    const first = await json(call('POST', `/hooks/${flowId}`, { n: 1 }))
    const failed = await waitFor(first.executionId, finished)
    expect(failed.error).toMatchObject({ taskId: 'compute', type: 'expression_error' })

    const fixed = structuredClone(broken)
    fixed.tasks[2] = { id: 'compute', type: 'set', values: { double: '{{ vars.count * 2 }}' } }
    expect((await putFlow(flowId, fixed)).revision).toBe(2)

    const response = await post(first.executionId, 'replay', {})
    expect(response.status).toBe(201)
    const replay = await json(response)
    expect(replay).toMatchObject({ replayOf: first.executionId, revision: 2, fromTaskId: 'compute', reused: 2 })
    const done = await waitFor(replay.executionId, finished)
    expect(done).toMatchObject({
      status: 'completed',
      trigger: 'replay',
      revision: 2,
      replayOf: first.executionId,
      // the same body and request details; no headers (the headers rule)
      input: { ...failed.input, headers: {}, metadata: { ...failed.input.metadata, trigger: 'replay' } },
    })
    expect(done.output.body).toEqual({ double: 2 })
    expect(done.taskRuns.map((run: { taskId: string; reused: boolean }) => [run.taskId, run.reused])).toEqual([
      ['fetch', true],
      ['remember', true],
      ['compute', false],
      ['answer', false],
    ])
    expect(await callsTo(key)).toBe(1)
    expect(await execution(first.executionId)).toEqual(failed)
  })

  it('replays from a given task on a given revision, and refuses bad requests', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, {
      tasks: [
        { id: 'a', type: 'set', values: { a: 1 } },
        { id: 'b', type: 'set', values: { b: 2 } },
      ],
    })
    const { executionId } = await json(call('POST', `/hooks/${flowId}`, {}))
    await waitFor(executionId, finished)
    const replay = await json(post(executionId, 'replay', { fromTaskId: 'b', revision: 1 }))
    expect((await waitFor(replay.executionId, finished)).vars).toEqual({ a: 1, b: 2 })

    const missing = await post(executionId, 'replay', { fromTaskId: 'zzz' })
    expect(missing.status).toBe(400)
    expect((await json(missing)).error).toMatchObject({
      message: `task "zzz" does not exist in revision 1 of flow ${flowId}`,
      issues: [{ path: 'fromTaskId' }],
    })
    expect((await post(executionId, 'replay', {})).status).toBe(400)
    expect((await post(executionId, 'replay', { revision: 9 })).status).toBe(400)
    expect((await post(executionId, 'replay', { color: 'red' })).status).toBe(400)
    expect((await post(crypto.randomUUID(), 'replay', {})).status).toBe(404)
  })

  it('refuses to replay an execution of a disabled flow (409) until a PUT enables it again', async () => {
    const flowId = uniqueId()
    const definition = { tasks: [{ id: 'a', type: 'set', values: { a: 1 } }] }
    await putFlow(flowId, definition)
    const { executionId } = await json(call('POST', `/hooks/${flowId}`, {}))
    await waitFor(executionId, finished)
    await call('DELETE', `/api/flows/${flowId}`)
    for (const body of [{ fromTaskId: 'a' }, { fromTaskId: 'a', revision: 1 }]) {
      const refused = await post(executionId, 'replay', body)
      expect(refused.status).toBe(409)
      expect((await json(refused)).error).toEqual({
        code: 'conflict',
        message: `flow ${flowId} is disabled (a PUT of it enables it again)`,
      })
    }
    await putFlow(flowId, definition)
    expect((await post(executionId, 'replay', { fromTaskId: 'a' })).status).toBe(201)
  })

  it('refuses to replay an execution that has not finished', async () => {
    const { executionId } = await start({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    await waitFor(executionId, (e) => e.status === 'delayed')
    expect((await post(executionId, 'replay', { fromTaskId: 'nap' })).status).toBe(409)
    await post(executionId, 'kill')
  })
})

describe('logs', () => {
  it('record each task run start, retries, delays and end, and log tasks, filtered by task and level, paged', async () => {
    const key = uniqueId('flaky')
    const { executionId } = await start(
      {
        tasks: [
          { id: 'say', type: 'log', level: 'warn', message: 'hello {{ input.body.who }}' },
          {
            id: 'flaky',
            type: 'http',
            url: target(`/flaky?key=${key}&fail=1`),
            retry: { maxAttempts: 2, delay: '50ms' },
          },
          { id: 'nap', type: 'delay', duration: '10ms' },
        ],
      },
      { who: 'logs' },
    )
    await waitFor(executionId, finished)
    const all = await json(call('GET', `/api/executions/${executionId}/logs`))
    const messages = all.items.map(
      (line: { taskId: string | null; level: string; message: string }) =>
        `${line.taskId ?? '-'} ${line.level} ${line.message}`,
    )
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^- info execution started/),
        'say debug attempt 1 started',
        'say warn hello logs',
        expect.stringMatching(/^flaky warn attempt 1 failed \(http_error: .* answered 503\); retrying in 50 ms$/),
        'flaky debug attempt 2 started',
        expect.stringMatching(/^flaky info completed in \d+ ms \(2 attempt\(s\)\)$/),
        expect.stringMatching(/^nap info delayed until /),
        '- info execution completed',
      ]),
    )
    expect(all.items[0]).toEqual({
      id: expect.any(Number),
      at: expect.any(String),
      level: 'info',
      taskId: null,
      taskRunId: null,
      attempt: null,
      // tracing is off here: no trace to name (test/telemetry/task-logs.test.ts has it on)
      traceId: null,
      spanId: null,
      message: expect.any(String),
    })
    expect(all.dropped).toBe(0)

    const flaky = await json(call('GET', `/api/executions/${executionId}/logs?taskId=flaky&level=warn`))
    expect(flaky.items.map((line: { level: string }) => line.level)).toEqual(['warn'])
    const page = await json(call('GET', `/api/executions/${executionId}/logs?limit=2`))
    expect(page.items).toHaveLength(2)
    const next = await json(call('GET', `/api/executions/${executionId}/logs?limit=2&cursor=${page.nextCursor}`))
    expect(next.items[0].id).toBe(page.items[1].id + 1)
    expect((await call('GET', `/api/executions/${executionId}/logs?level=loud`)).status).toBe(400)
  })
})

describe('metrics', () => {
  it('time every task run and attempt, count response bytes and foreach items, and total them as a list', async () => {
    const { executionId } = await start({
      tasks: [
        { id: 'each', type: 'foreach', items: '[1, 2]', tasks: [{ id: 'call', type: 'http', url: target('/text') }] },
      ],
    })
    const done = await waitFor(executionId, finished)
    // one shape for a metric everywhere; the sum of the runs' durations is named for what it is
    expect(done.metrics).toEqual([
      { name: 'foreach.items', type: 'counter', value: 2 },
      { name: 'http.response.bytes', type: 'counter', value: 10 },
      { name: 'taskRuns.duration', type: 'duration', value: expect.any(Number) },
    ])
    for (const run of done.taskRuns) {
      expect(run.metrics).toContainEqual({ name: 'duration', type: 'duration', value: expect.any(Number) })
      for (const attempt of run.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0)
    }
    // each http attempt has the bytes it read; the run has its attempts' and its duration
    const calls = done.taskRuns.filter((run: { taskId: string }) => run.taskId === 'call')
    for (const call of calls) {
      expect(call.attempts[0].metrics).toEqual([{ name: 'http.response.bytes', type: 'counter', value: 5 }])
      expect(call.attempts[0].output).toEqual(call.output)
    }
  })
})

describe('operating, edge cases', () => {
  it('name the execution in 404 and 409 answers', async () => {
    const unknown = crypto.randomUUID()
    const missing = await post(unknown, 'pause')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('x-execution-id')).toBe(unknown)
    const { executionId } = await start({ tasks: [{ id: 'x', type: 'log', message: '.' }] })
    await waitFor(executionId, finished)
    const conflict = await post(executionId, 'resume')
    expect(conflict.status).toBe(409)
    expect(conflict.headers.get('x-execution-id')).toBe(executionId)
  })

  it('change nothing when they are refused while an http call is in flight', async () => {
    const key = uniqueId('slow')
    const { executionId } = await start({
      tasks: [{ id: 'call', type: 'http', url: target(`/slow/400?key=${key}`), retry: { maxAttempts: 2 } }],
    })
    await waitFor(executionId, (e) => e.taskRuns[0]?.status === 'running')
    expect((await post(executionId, 'resume')).status).toBe(409)
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('completed')
    expect(done.taskRuns[0].attempts).toHaveLength(1)
    expect(await callsTo(key)).toBe(1)
  })

  it('refuse to resume an execution that ended while paused', async () => {
    // a timeout long enough to be seen delayed and paused first on a busy machine (200 ms was not)
    const { executionId } = await start({ timeout: '3s', tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] })
    await waitFor(executionId, (e) => e.status === 'delayed')
    await post(executionId, 'pause')
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect((await post(executionId, 'resume')).status).toBe(409)
  })

  it('finish a kill the object was restarted in the middle of', async () => {
    const { executionId } = await start({ tasks: [{ id: 'w', type: 'wait', event: 'x' }] })
    await waitFor(executionId, (e) => e.status === 'waiting')
    await runInDurableObject(stubOf(executionId), (object) => {
      const runner = (object as unknown as { runner: { apply(event: object): void; flush(): void } }).runner
      runner.apply({ type: 'kill' })
      runner.flush()
    })
    await crash(executionId)
    expect((await waitFor(executionId, finished)).status).toBe('killed')
  })

  it('replay keeps the response a reused return decided', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, {
      mode: 'sync',
      tasks: [
        { id: 'made', type: 'return', status: 201, body: { made: true } },
        { id: 'boom', type: 'fail', message: 'no' },
      ],
    })
    const first = await call('POST', `/hooks/${flowId}`, {})
    const executionId = first.headers.get('x-execution-id')!
    await waitFor(executionId, finished)
    await putFlow(flowId, {
      mode: 'sync',
      tasks: [
        { id: 'made', type: 'return', status: 201, body: { made: true } },
        { id: 'boom', type: 'log', message: 'fixed' },
      ],
    })
    const replay = await json(post(executionId, 'replay', {}))
    const done = await waitFor(replay.executionId, finished)
    expect(done).toMatchObject({ status: 'completed', output: { status: 201, body: { made: true } } })
  })
})
