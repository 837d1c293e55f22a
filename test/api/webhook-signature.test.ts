import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { putFlow as storeFlow } from '../../src/store/d1/flows'
import { secretKey } from '../../src/domain/standard-webhooks'
import { FlowDefinition } from '../../src/flow/schema'
import { revisionHash } from '../../src/flow/revision'
import { call, json, putFlow, uniqueId, indexSettled, listed } from '../helpers/api'

/** Signs like a Standard Webhooks sender. */
async function sign(id: string, timestamp: number, body: string, secret = env.TEST_WEBHOOK_SECRET) {
  const raw = Uint8Array.from(atob(secret.slice('whsec_'.length)), (char) => char.charCodeAt(0))
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const digest = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  )
  return `v1,${btoa(String.fromCharCode(...digest))}`
}

/** The three Standard Webhooks headers of a delivery signed over `body` (by default now, with the test secret). */
async function signed(id: string, body: string, timestamp = Math.floor(Date.now() / 1000), secret?: string) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await sign(id, timestamp, body, secret),
  }
}

async function signedFlow(secret = 'TEST_WEBHOOK_SECRET') {
  const id = uniqueId()
  await putFlow(id, { triggers: [{ type: 'webhook', secret }], tasks: [{ id: 'x', type: 'log', message: '.' }] })
  return id
}

const send = (flowId: string, body: string, headers: Record<string, string>) =>
  call('POST', `/hooks/${flowId}`, body, { 'content-type': 'application/json', ...headers })

describe('signed webhooks', () => {
  it('accept a valid Standard Webhooks signature, among several (key rotation)', async () => {
    const flowId = await signedFlow()
    const body = '{"order":42}'
    const headers = await signed('msg_1', body)
    const response = await send(flowId, body, {
      ...headers,
      'webhook-signature': `v1,bm90IGl0 ${headers['webhook-signature']}`,
    })
    expect(response.status).toBe(202)
  })

  it('refuse missing, stale or wrong signatures with 401 and start nothing', async () => {
    const flowId = await signedFlow()
    const body = '{"order":42}'
    const now = Math.floor(Date.now() / 1000)
    const cases: Record<string, string>[] = [
      {},
      await signed('m', body, now - 600),
      { ...(await signed('m', body)), 'webhook-signature': await sign('m', now, '{"order":43}') },
      await signed('m', body, now, `whsec_${btoa('other key')}`),
    ]
    for (const headers of cases) {
      const response = await send(flowId, body, headers)
      expect(response.status).toBe(401)
      expect((await json(response)).error.code).toBe('unauthorized')
    }
    await indexSettled()
    expect((await json(call('GET', `/api/executions?flowId=${flowId}`))).items).toEqual([])
  })

  it('start one execution per webhook-id (a redelivery gets the same one)', async () => {
    const flowId = await signedFlow()
    const headers = await signed('msg_twice', '{}')
    const first = await json(send(flowId, '{}', headers))
    const again = await json(send(flowId, '{}', headers))
    expect(again.executionId).toBe(first.executionId)
  })

  it('deduplicate a signed request by its webhook-id alone: another Idempotency-Key replays nothing', async () => {
    const flowId = await signedFlow()
    const body = '{"order":7}'
    const captured = await signed('msg_captured', body)
    const first = await json(send(flowId, body, { ...captured, 'idempotency-key': 'first' }))
    for (const key of ['second', 'third']) {
      const replay = await send(flowId, body, { ...captured, 'idempotency-key': key })
      expect(replay.status).toBe(202)
      expect((await json(replay)).executionId).toBe(first.executionId)
    }
    expect((await send(flowId, body, captured)).headers.get('x-execution-id')).toBe(first.executionId)
    await listed(`flowId=${flowId}`, 1)
    await indexSettled()
    expect((await json(call('GET', `/api/executions?flowId=${flowId}`))).items).toHaveLength(1)
  })

  it('refuse a webhook-id signed again over another body with 422 naming the webhook-id, not a header the sender never sent', async () => {
    const flowId = await signedFlow()
    expect((await send(flowId, '{"n":1}', await signed('msg_reused', '{"n":1}'))).status).toBe(202)
    const reused = await send(flowId, '{"n":2}', await signed('msg_reused', '{"n":2}'))
    expect(reused.status).toBe(422)
    const { error } = await json(reused)
    expect(error).toMatchObject({ code: 'idempotency_mismatch', message: expect.stringContaining('webhook-id') })
    expect(error.message).not.toMatch(/idempotency/i)
  })

  it('refuse timestamps more than 5 minutes behind or ahead, and accept one just inside', async () => {
    const flowId = await signedFlow()
    const now = Math.floor(Date.now() / 1000)
    const at = async (timestamp: number) => send(flowId, '{}', await signed(`msg_${timestamp}`, '{}', timestamp))
    for (const timestamp of [now - 310, now + 310]) expect((await at(timestamp)).status).toBe(401)
    for (const timestamp of [now - 290, now + 290]) expect((await at(timestamp)).status).toBe(202)
  })

  it('are refused at PUT with the path of a secret that is not set or holds no whsec_ key', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      triggers: [
        { type: 'webhook', secret: 'TEST_WEBHOOK_SECRET' },
        { type: 'webhook', methods: ['PUT'], secret: 'NOT_SET_ANYWHERE' },
        { type: 'webhook', methods: ['PATCH'], secret: 'TEST_NOT_A_WEBHOOK_SECRET' },
      ],
      tasks: [{ id: 'x', type: 'log', message: '.' }],
    })
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error.code).toBe('invalid_flow')
    expect(error.issues).toEqual([
      { path: 'triggers.1.secret', message: expect.stringContaining('wrangler secret put NOT_SET_ANYWHERE') },
      { path: 'triggers.2.secret', message: expect.stringContaining('not a Standard Webhooks secret') },
    ])
    expect(JSON.stringify(error)).not.toContain(env.TEST_NOT_A_WEBHOOK_SECRET)
  })

  it('answer 500 misconfigured, not a crash, when the secret was removed or spoiled since the PUT, saying where to set it', async () => {
    for (const secret of ['NOT_SET_ANYWHERE', 'TEST_NOT_A_WEBHOOK_SECRET']) {
      // stored as if the secret had been valid at PUT time
      const flowId = uniqueId()
      const definition = FlowDefinition.parse({
        triggers: [{ type: 'webhook', secret }],
        tasks: [{ id: 'x', type: 'log', message: '.' }],
      })
      await storeFlow(env.DB, flowId, definition, await revisionHash(definition), Date.now())
      const response = await send(flowId, '{}', await signed('msg_1', '{}'))
      expect(response.status).toBe(500)
      const { error } = await json(response)
      expect(error).toMatchObject({ code: 'misconfigured', message: expect.stringContaining(`the secret ${secret}`) })
      // locally and deployed, never the value
      expect(error.message).toContain('in .dev.vars for wrangler dev')
      expect(error.message).toContain(`wrangler secret put ${secret}`)
      expect(error.message).not.toContain(env.TEST_NOT_A_WEBHOOK_SECRET)
    }
  })
})

describe('secretKey', () => {
  it('reads whsec_ and base64 only', () => {
    expect(secretKey(env.TEST_WEBHOOK_SECRET)).toEqual(new TextEncoder().encode('edgeflow-test-signing-key'))
    for (const value of [undefined, 42, '', 'whsec_', 'whsec_A', 'whsec_ab cd', 'c2VjcmV0', 'whsec_not*base64'])
      expect(secretKey(value)).toBeNull()
  })
})
