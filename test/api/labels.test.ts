import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { listQuery } from '../../src/store/d1/executions'
import { call, finished, json, listed, listedWhere, putFlow, uniqueId, waitFor } from '../helpers/api'

/** Labels from the input, then a label task that adds one and changes another. */
const labelled = {
  labels: { customer: '{{ input.body.customer }}', tier: 'free', region: '{{ input.body.region }}' },
  tasks: [
    { id: 'upgrade', type: 'label', labels: { tier: '{{ input.body.tier }}', checked: true } },
    { id: 'done', type: 'log', message: 'labelled' },
  ],
}

async function start(flowId: string, body: unknown): Promise<string> {
  const response = await call('POST', `/hooks/${flowId}`, body)
  expect(response.status).toBe(202)
  return response.headers.get('x-execution-id')!
}

const ended = (id: string) => waitFor(id, finished)

describe('labels', () => {
  it('are evaluated over the input when the execution starts, changed by label tasks, and shown in the detail and the list', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, labelled)
    // region yields nothing: it is left out
    const id = await start(flowId, { customer: 42, tier: 'gold' })
    const detail = await ended(id)
    expect(detail.status).toBe('completed')
    expect(detail.labels).toEqual({ customer: '42', tier: 'gold', checked: 'true' })
    expect(detail.taskRuns[0]).toMatchObject({ taskId: 'upgrade', output: { tier: 'gold', checked: 'true' } })
    const page = await listedWhere(`flowId=${flowId}`, (each) => each.items[0]?.status === 'completed')
    expect(page.items[0].labels).toEqual({ customer: '42', tier: 'gold', checked: 'true' })
    const rows = await env.DB.prepare('SELECT key, value FROM execution_labels WHERE execution_id = ? ORDER BY key')
      .bind(id)
      .all()
    expect(rows.results).toEqual([
      { key: 'checked', value: 'true' },
      { key: 'customer', value: '42' },
      { key: 'tier', value: 'gold' },
    ])
  })

  it('filter the list through their index: every label given must match, and the cursor pages through the matches', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, labelled)
    const customer = uniqueId('customer')
    const gold: string[] = []
    for (let n = 0; n < 5; n += 1) gold.push(await start(flowId, { customer, tier: 'gold' }))
    const silver = await start(flowId, { customer, tier: 'silver' })
    const other = await start(flowId, { customer: uniqueId('customer'), tier: 'gold' })
    for (const id of [...gold, silver, other]) await ended(id)
    await listedWhere(`label=customer:${customer}`, (page) => page.items.length === 6)
    const query = `label=customer:${customer}&label=tier:gold&limit=2`
    await listedWhere(query, (page) => page.items.length === 2 && page.items.every((item: any) => item.labels.checked))
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await json(call('GET', `/api/executions?${query}${cursor ? `&cursor=${cursor}` : ''}`))
      expect(page.items.length).toBeLessThanOrEqual(2)
      for (const item of page.items) expect(item.labels).toMatchObject({ customer, tier: 'gold' })
      seen.push(...page.items.map((item: { id: string }) => item.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen.toSorted()).toEqual(gold.toSorted())
    // newest first, as the unfiltered list
    const all = await json(call('GET', `/api/executions?flowId=${flowId}&limit=100`))
    const order = all.items.map((item: { id: string }) => item.id).filter((id: string) => gold.includes(id))
    expect(seen).toEqual(order)
    // combined with another filter
    await listed(`label=customer:${customer}&label=tier:silver&status=completed`, 1)
  })

  it('mask secret values like everything recorded', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, {
      labels: { key: "{{ $secret('TEST_KEY') }}" },
      tasks: [{ id: 'tag', type: 'label', labels: { again: "{{ 'k=' & $secret('TEST_KEY') }}" } }],
    })
    const detail = await ended(await start(flowId, {}))
    expect(detail.labels).toEqual({ key: '[secret:TEST_KEY]', again: 'k=[secret:TEST_KEY]' })
    const page = await listedWhere(`flowId=${flowId}`, (each) => each.items[0]?.status === 'completed')
    expect(JSON.stringify(page)).not.toContain(env.FLOW_SECRET_TEST_KEY)
  })

  it('are bounded: over a bound is a 400 at PUT with the path, or a validation_error on the task', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, n) => [`k${n}`, 'v']))
    const tasks = [{ id: 'done', type: 'log', message: 'x' }]
    for (const [definition, path] of [
      [{ labels: many, tasks }, 'labels'],
      [{ labels: { ['k'.repeat(65)]: 'v' }, tasks }, `labels.${'k'.repeat(65)}`],
      [{ labels: { 'a:b': 'v' }, tasks }, 'labels.a:b'],
      [{ labels: { long: 'v'.repeat(257) }, tasks }, 'labels.long'],
      [{ tasks: [{ id: 'tag', type: 'label', labels: { long: 'é'.repeat(129) } }] }, 'tasks.0.labels.long'],
      [{ tasks: [{ id: 'tag', type: 'label', labels: many }] }, 'tasks.0.labels'],
    ] as const) {
      const response = await call('PUT', `/api/flows/${uniqueId()}`, definition)
      expect(response.status).toBe(400)
      const body = await json(response)
      expect(body.error.issues.map((issue: { path: string }) => issue.path)).toContain(path)
    }

    // a value computed at run time: the label task fails, nothing is kept
    const computed = uniqueId()
    await putFlow(computed, { tasks: [{ id: 'tag', type: 'label', labels: { long: '{{ input.body.long }}' } }] })
    const tooLong = await ended(await start(computed, { long: 'v'.repeat(300) }))
    expect(tooLong.status).toBe('failed')
    expect(tooLong.error).toMatchObject({ type: 'validation_error', taskId: 'tag' })
    expect(tooLong.labels).toEqual({})

    // one more than the bound, in two tasks: the second fails
    const spread = uniqueId()
    const half = (from: number) => Object.fromEntries(Array.from({ length: 11 }, (_, n) => [`k${from + n}`, 'v']))
    await putFlow(spread, {
      tasks: [
        { id: 'first', type: 'label', labels: half(0) },
        { id: 'second', type: 'label', labels: half(11) },
      ],
    })
    const over = await ended(await start(spread, {}))
    expect(over.error).toMatchObject({ type: 'validation_error', taskId: 'second' })
    expect(over.error.message).toContain('20 labels at most')
    expect(Object.keys(over.labels)).toHaveLength(11)
  })

  it("refuse the trigger when the flow's labels cannot be computed from the input", async () => {
    const flowId = uniqueId()
    await putFlow(flowId, {
      labels: { note: '{{ input.body.note }}' },
      tasks: [{ id: 'a', type: 'log', message: 'x' }],
    })
    const response = await call('POST', `/hooks/${flowId}`, { note: 'n'.repeat(300) })
    expect(response.status).toBe(400)
    const body = await json(response)
    expect(body.error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'labels.note' }] })
    const detail = await ended(response.headers.get('x-execution-id')!)
    expect(detail.error).toMatchObject({ type: 'validation_error' })
  })

  it('filter from the label index, in the list order, without scanning executions or sorting', async () => {
    const labels = [
      { key: 'customer', value: '42' },
      { key: 'tier', value: 'gold' },
    ]
    const query = listQuery(env.DB, { labels, status: 'failed', limit: 20, cursor: { createdAt: 5, id: 'x' } }).toSQL()
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>()
    const steps = plan.results.map((step) => step.detail)
    expect(steps[0]).toMatch(/SEARCH driving USING (COVERING )?INDEX execution_labels_filter \(key=\? AND value=\?/)
    expect(
      steps.some((step) => /SEARCH executions USING INDEX sqlite_autoindex_executions_1 \(id=\?\)/.test(step)),
    ).toBe(true)
    expect(steps.some((step) => /SEARCH also USING .*\(execution_id=\? AND key=\?\)/.test(step))).toBe(true)
    expect(steps.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/)
  })

  it('refuse a malformed filter with 400 and its path', async () => {
    const response = await call('GET', '/api/executions?label=nocolon')
    expect(response.status).toBe(400)
    const body = await json(response)
    expect(body.error.issues[0].path).toMatch(/^label/)
  })
})
