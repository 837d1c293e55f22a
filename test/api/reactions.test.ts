import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { upsertMessage } from '../../src/store/d1/index-batch'
import { forgetWatchers, watchersQuery } from '../../src/store/d1/watchers'
import {
  call,
  execution,
  finished,
  indexSettled,
  json,
  listed,
  putFlow,
  summaryFixture,
  target,
  uniqueId,
  waitFor,
} from '../helpers/api'

async function start(flowId: string, body: unknown = {}): Promise<string> {
  const response = await call('POST', `/hooks/${flowId}`, body)
  return response.headers.get('x-execution-id')!
}

/** A flow that posts every execution it is started for to the target, under the ended execution's id. */
const reporter = (trigger: object) => ({
  triggers: [{ type: 'execution', ...trigger }],
  tasks: [
    {
      id: 'post',
      type: 'http',
      method: 'POST',
      url: target('/capture?key=reaction-{{ input.body.id }}'),
      body: { ended: '{{ input.body.id }}', status: '{{ input.body.status }}' },
    },
  ],
})

const captured = async (endedId: string): Promise<unknown[]> =>
  json(fetch(`${env.TARGET_URL}/captured/reaction-${endedId}`))

describe('flows that react to executions', () => {
  it('start once for every matching execution that ends, with its summary as input.body', async () => {
    const watched = uniqueId('watched')
    const reacting = uniqueId('reacting')
    await putFlow(watched, {
      labels: { tier: '{{ input.body.tier }}' },
      tasks: [{ id: 'maybe', type: 'fail', if: 'input.body.fail', message: 'it broke' }],
    })
    await putFlow(reacting, reporter({ flowId: watched, statuses: ['failed'], labels: { tier: 'gold' } }))

    const failedGold = await start(watched, { fail: true, tier: 'gold' })
    const completedGold = await start(watched, { fail: false, tier: 'gold' })
    const failedFree = await start(watched, { fail: true, tier: 'free' })
    const ended = await waitFor(failedGold, finished)
    for (const id of [completedGold, failedFree]) await waitFor(id, finished)

    const page = await listed(`flowId=${reacting}`, 1)
    const reaction = await waitFor(page.items[0].id, finished)
    expect(reaction).toMatchObject({ status: 'completed', trigger: 'execution', reactsTo: failedGold })
    expect(reaction.input.metadata.trigger).toBe('execution')
    expect(reaction.input.body).toEqual({
      id: failedGold,
      flowId: watched,
      revision: 1,
      status: 'failed',
      trigger: 'webhook',
      mode: 'async',
      createdAt: ended.createdAt,
      startedAt: ended.startedAt,
      endedAt: ended.endedAt,
      durationMs: ended.durationMs,
      outputStatus: 500,
      error: { type: 'fail_task', taskId: 'maybe', message: 'it broke' },
      replayOf: null,
      parentExecutionId: null,
      reactsTo: null,
      labels: { tier: 'gold' },
    })
    expect(await captured(failedGold)).toHaveLength(1)
    // the list names it too; nothing else matched
    expect(page.items[0]).toMatchObject({ trigger: 'execution', reactsTo: failedGold })
    await indexSettled()
    await listed(`flowId=${reacting}`, 1)
  })

  it('start one execution for an end delivered twice, in one batch and in another, by another isolate too', async () => {
    const watched = uniqueId('watched')
    const reacting = uniqueId('reacting')
    await putFlow(reacting, reporter({ flowId: watched, statuses: ['failed'] }))
    const ended = summaryFixture({
      id: crypto.randomUUID(),
      flowId: watched,
      status: 'failed',
      createdAt: Date.now(),
      startedAt: Date.now(),
      endedAt: Date.now(),
      errorType: 'internal',
      errorMessage: 'gone',
      version: 9,
    })
    await env.INDEX_QUEUE.sendBatch([{ body: upsertMessage(ended) }, { body: upsertMessage(ended) }])
    const page = await listed(`flowId=${reacting}`, 1)
    await waitFor(page.items[0].id, finished)
    // as a new isolate would: the watching flows are read from D1 again
    forgetWatchers()
    await env.INDEX_QUEUE.send(upsertMessage(ended))
    await env.INDEX_QUEUE.send(upsertMessage({ ...ended, version: 10 }))
    await indexSettled()
    await listed(`flowId=${reacting}`, 1)
    expect(await captured(ended.id)).toHaveLength(1)
    expect((await execution(page.items[0].id)).taskRuns).toHaveLength(1)
  })

  it('stop a chain that would trigger itself for ever after 5 reactions', async () => {
    const looping = uniqueId('looping')
    await putFlow(looping, {
      triggers: [
        { type: 'webhook', methods: ['POST'] },
        { type: 'execution', flowId: looping, statuses: ['completed'] },
      ],
      tasks: [{ id: 'note', type: 'log', message: 'depth {{ input.body.reactsTo ? "n" : "0" }}' }],
    })
    const first = await start(looping)
    await waitFor(first, finished)
    const page = await listed(`flowId=${looping}&limit=100`, 6)
    for (const item of page.items) await waitFor(item.id, finished)
    await indexSettled()
    await indexSettled()
    const after = await json(call('GET', `/api/executions?flowId=${looping}&limit=100`))
    expect(after.items).toHaveLength(6)
    // each reacts to the one before it
    const byId = new Map(after.items.map((item: { id: string; reactsTo: string | null }) => [item.id, item.reactsTo]))
    let depth = 0
    let last = after.items.find((item: { id: string }) => ![...byId.values()].includes(item.id)).id
    while (byId.get(last)) {
      last = byId.get(last)
      depth += 1
    }
    expect(depth).toBe(5)
    expect(last).toBe(first)
  })

  it('are read from an index of the watching flows, not a scan of every flow', async () => {
    const query = watchersQuery(env.DB).toSQL()
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>()
    const steps = plan.results.map((step) => step.detail).join('\n')
    expect(steps).toMatch(/flows USING (COVERING )?INDEX flows_watching/)
    expect(steps).not.toMatch(/SCAN flows\b(?! USING)/)
  })

  it('are refused at PUT when their trigger is malformed', async () => {
    for (const [trigger, path] of [
      [{ type: 'execution', statuses: [] }, 'triggers.0.statuses'],
      [{ type: 'execution', statuses: ['running'] }, 'triggers.0.statuses.0'],
      [{ type: 'execution', statuses: ['failed'], labels: { 'a:b': 'x' } }, 'triggers.0.labels.a:b'],
    ] as const) {
      const response = await call('PUT', `/api/flows/${uniqueId()}`, {
        triggers: [trigger],
        tasks: [{ id: 'a', type: 'log', message: 'x' }],
      })
      expect(response.status).toBe(400)
      expect((await json(response)).error.issues.map((issue: { path: string }) => issue.path)).toContain(path)
    }
  })

  it('stop reacting once the flow no longer has the trigger', async () => {
    const watched = uniqueId('watched')
    const reacting = uniqueId('reacting')
    await putFlow(watched, { tasks: [{ id: 'x', type: 'fail', message: 'no' }] })
    await putFlow(reacting, reporter({ flowId: watched, statuses: ['failed'] }))
    await putFlow(reacting, { tasks: [{ id: 'a', type: 'log', message: 'x' }] })
    const id = await start(watched)
    await waitFor(id, finished)
    await indexSettled()
    await vi.waitFor(async () =>
      expect((await json(call('GET', `/api/executions?flowId=${watched}`))).items).toHaveLength(1),
    )
    expect((await json(call('GET', `/api/executions?flowId=${reacting}`))).items).toHaveLength(0)
  })
})
