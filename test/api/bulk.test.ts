import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { applyIndexBatch, upsertMessage } from '../../src/store/d1/index-batch'
import { MAX_BULK } from '../../src/api/routes/bulk'
import { call, execution, finished, json, listed, putFlow, summaryFixture, uniqueId, waitFor } from '../helpers/api'

const bulk = (action: string, body: unknown) => call('POST', `/api/executions/bulk/${action}`, body)

/** Stores a flow and starts `count` executions of it by webhook; their ids in start order. */
async function started(definition: object, count: number, body: (n: number) => unknown = () => ({})) {
  const flowId = uniqueId()
  await putFlow(flowId, definition)
  const ids: string[] = []
  for (let n = 0; n < count; n++) {
    const response = await call('POST', `/hooks/${flowId}`, body(n))
    ids.push(response.headers.get('x-execution-id')!)
  }
  return { flowId, ids }
}

const failing = {
  tasks: [
    { id: 'first', type: 'set', values: { a: 1 } },
    { id: 'boom', type: 'fail', if: 'input.body.fail', message: 'bulk broke it' },
  ],
}

describe('bulk kill', () => {
  it('kills each id once, and answers not_found for an unknown one in its place', async () => {
    const { ids } = await started({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] }, 3)
    for (const id of ids) await waitFor(id, (e) => e.status === 'delayed')
    const unknown = crypto.randomUUID()
    const response = await bulk('kill', { ids: [ids[0], unknown, ...ids, 'malformed'] })
    expect(response.status).toBe(200)
    const body = await json(response)
    expect(body.action).toBe('kill')
    expect(body.matched).toBe(5)
    expect(body.results).toEqual([
      { id: ids[0], ok: true, status: 'killed' },
      { id: unknown, ok: false, error: { code: 'not_found', message: `execution ${unknown} not found` } },
      { id: ids[1], ok: true, status: 'killed' },
      { id: ids[2], ok: true, status: 'killed' },
      { id: 'malformed', ok: false, error: { code: 'not_found', message: 'execution malformed not found' } },
    ])
    // killed already: each refused with the 409 its own route answers
    const again = await json(bulk('kill', { ids }))
    expect(again.results.map((r: any) => r.error?.code)).toEqual(['conflict', 'conflict', 'conflict'])
  })
})

describe('bulk replay and delete by filter', () => {
  it('replays the failed ones of a flow from the failed task on the latest revision, then deletes them', async () => {
    const { flowId, ids } = await started(failing, 4, (n) => ({ fail: n < 3 }))
    for (const id of ids) await waitFor(id, finished)
    await listed(`flowId=${flowId}&status=failed`, 3)
    // the fix: revision 2 no longer fails
    await putFlow(flowId, { tasks: [failing.tasks[0], { id: 'boom', type: 'log', message: 'fixed' }] })
    const replayed = await json(bulk('replay', { filter: { flowId, status: 'failed' } }))
    expect(replayed.matched).toBe(3)
    expect(replayed.results.map((r: any) => r.id).sort()).toEqual(ids.slice(0, 3).sort())
    for (const result of replayed.results) {
      expect(result).toMatchObject({ ok: true, revision: 2, fromTaskId: 'boom' })
      expect((await waitFor(result.executionId, finished)).status).toBe('completed')
    }
    // the completed one is left alone by the filter; a running one is refused, not_final
    const { ids: running } = await started({ tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] }, 1)
    await waitFor(running[0]!, (e) => e.status === 'delayed')
    const deleted = await json(bulk('delete', { ids: [...ids.slice(0, 3), running[0]] }))
    expect(deleted.results).toEqual([
      ...ids.slice(0, 3).map((id) => ({ id, ok: true })),
      { id: running[0], ok: false, error: { code: 'not_final', message: expect.any(String) } },
    ])
    expect((await call('GET', `/api/executions/${ids[0]}`)).status).toBe(404)
    expect((await execution(ids[3]!)).status).toBe('completed')
    await bulk('kill', { ids: running })
  })
})

describe('bulk bounds', () => {
  it(`refuses more than ${MAX_BULK} ids, both ids and a filter, neither, and a filter matching more, each by its path`, async () => {
    const tooMany = await bulk('kill', { ids: Array.from({ length: MAX_BULK + 1 }, (_, n) => `id${n}`) })
    expect(tooMany.status).toBe(400)
    expect((await json(tooMany)).error.issues).toEqual([
      { path: 'ids', message: `at most ${MAX_BULK} ids in one request` },
    ])
    const both = await json(bulk('delete', { ids: ['a'], filter: {} }))
    expect(both.error.issues).toEqual([{ path: 'ids', message: 'send either ids or filter' }])
    expect((await json(bulk('delete', {}))).error.issues).toEqual([
      { path: 'ids', message: 'send either ids or filter' },
    ])
    const badFilter = await json(bulk('replay', { filter: { status: 'nope', limit: 3 } }))
    expect(badFilter.error.issues.map((issue: any) => issue.path).sort()).toEqual(['filter', 'filter.status'])
    // more rows than the bound, made up in the index under a flow of their own
    const flowId = uniqueId('many')
    const rows = Array.from({ length: MAX_BULK + 1 }, (_, n) =>
      upsertMessage(summaryFixture({ id: `${flowId}_${n}`, flowId, createdAt: n + 1 })),
    )
    await applyIndexBatch(env.DB, rows, Date.now())
    const matched = await bulk('delete', { filter: { flowId } })
    expect(matched.status).toBe(400)
    expect((await json(matched)).error.issues).toEqual([
      { path: 'filter', message: `the filter matches more than ${MAX_BULK} executions: narrow it, or send ids` },
    ])
    await env.DB.prepare('DELETE FROM executions WHERE flow_id = ?').bind(flowId).run()
  })

  it('is declared in the OpenAPI document', async () => {
    const document = await json(call('GET', '/api/openapi.json'))
    for (const action of ['kill', 'replay', 'delete'])
      expect(document.paths[`/api/executions/bulk/${action}`].post.responses['200']).toBeDefined()
  })
})

describe('search', () => {
  it('filters the list by id prefix and by error text', async () => {
    const { flowId, ids } = await started(failing, 2, (n) => ({ fail: n === 0 }))
    for (const id of ids) await waitFor(id, finished)
    await listed(`flowId=${flowId}`, 2)
    const byPrefix = await json(call('GET', `/api/executions?flowId=${flowId}&idPrefix=${ids[1]!.slice(0, 10)}`))
    expect(byPrefix.items.map((item: any) => item.id)).toEqual([ids[1]])
    const byError = await json(call('GET', `/api/executions?flowId=${flowId}&error=BULK%20BROKE`))
    expect(byError.items.map((item: any) => item.id)).toEqual([ids[0]])
    // LIKE's wildcards are taken literally
    expect((await json(call('GET', `/api/executions?flowId=${flowId}&error=%25`))).items).toEqual([])
    expect((await json(call('GET', `/api/executions?flowId=${flowId}&error=b_lk`))).items).toEqual([])
  })
})
