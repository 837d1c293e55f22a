import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { BOOKMARK_HEADER } from '../../src/api/middleware/d1-session'
import { revisionHash } from '../../src/flow/revision'
import { FlowDefinition } from '../../src/flow/schema'
import { putFlow as storeFlow } from '../../src/store/d1/flows'
import { call, json, putFlow, uniqueId } from '../helpers/api'

const returning = (v: number) =>
  FlowDefinition.parse({ mode: 'sync', tasks: [{ id: 'r', type: 'return', body: { v } }] })

describe('D1 sessions', () => {
  it('give a flow write’s answer the bookmark, and no GET or webhook answer one', async () => {
    const flowId = uniqueId()
    const written = await call('PUT', `/api/flows/${flowId}`, returning(1))
    expect(written.headers.get(BOOKMARK_HEADER)).toMatch(/\S/)
    expect((await call('GET', `/api/flows/${flowId}`)).headers.has(BOOKMARK_HEADER)).toBe(false)
    expect((await call('POST', `/hooks/${flowId}`, {})).headers.has(BOOKMARK_HEADER)).toBe(false)
  })

  it('read the flow afresh for a trigger that carries a bookmark (read-your-writes), the cache otherwise', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, returning(1))
    // a PUT served by another isolate: this one's cache still holds revision 1
    await storeFlow(env.DB, flowId, returning(2), await revisionHash(returning(2)), Date.now())
    expect(await json(call('POST', `/hooks/${flowId}`, {}))).toEqual({ v: 1 })
    const bookmark = env.DB.withSession('first-primary').getBookmark() ?? 'first-primary'
    expect(await json(call('POST', `/hooks/${flowId}`, {}, { [BOOKMARK_HEADER]: bookmark }))).toEqual({ v: 2 })
  })
})
