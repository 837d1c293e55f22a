import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, json, putFlow, uniqueId } from '../helpers/api'

/** Signs like a Standard Webhooks sender. */
async function sign(id: string, timestamp: number, body: string, secret = env.TEST_WEBHOOK_SECRET) {
  const raw = Uint8Array.from(atob(secret.slice('whsec_'.length)), (char) => char.charCodeAt(0))
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const digest = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  )
  return `v1,${btoa(String.fromCharCode(...digest))}`
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
    const now = Math.floor(Date.now() / 1000)
    const signature = await sign('msg_1', now, body)
    const response = await send(flowId, body, {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(now),
      'webhook-signature': `v1,bm90IGl0 ${signature}`,
    })
    expect(response.status).toBe(202)
  })

  it('refuse missing, stale or wrong signatures with 401 and start nothing', async () => {
    const flowId = await signedFlow()
    const body = '{"order":42}'
    const now = Math.floor(Date.now() / 1000)
    const cases: Record<string, string>[] = [
      {},
      {
        'webhook-id': 'm',
        'webhook-timestamp': String(now - 600),
        'webhook-signature': await sign('m', now - 600, body),
      },
      {
        'webhook-id': 'm',
        'webhook-timestamp': String(now),
        'webhook-signature': await sign('m', now, '{"order":43}'),
      },
      {
        'webhook-id': 'm',
        'webhook-timestamp': String(now),
        'webhook-signature': await sign('m', now, body, `whsec_${btoa('other key')}`),
      },
    ]
    for (const headers of cases) {
      const response = await send(flowId, body, headers)
      expect(response.status).toBe(401)
      expect((await json(response)).error.code).toBe('unauthorized')
    }
    expect((await json(call('GET', `/api/executions?flowId=${flowId}`))).items).toEqual([])
  })

  it('start one execution per webhook-id (a redelivery gets the same one)', async () => {
    const flowId = await signedFlow()
    const body = '{}'
    const now = Math.floor(Date.now() / 1000)
    const headers = {
      'webhook-id': 'msg_twice',
      'webhook-timestamp': String(now),
      'webhook-signature': await sign('msg_twice', now, body),
    }
    const first = await json(send(flowId, body, headers))
    const again = await json(send(flowId, body, headers))
    expect(again.executionId).toBe(first.executionId)
  })

  it('answer 500 naming the secret when the flow names one that is not set', async () => {
    const flowId = await signedFlow('NOT_SET_ANYWHERE')
    const response = await send(flowId, '{}', {})
    expect(response.status).toBe(500)
    expect((await json(response)).error).toMatchObject({
      code: 'misconfigured',
      message: expect.stringContaining('wrangler secret put NOT_SET_ANYWHERE'),
    })
  })
})
