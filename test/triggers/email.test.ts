/**
 * Email triggers through the Worker's email() handler (README, Email triggers), with a message as
 * Email Routing hands it over: the envelope, the raw MIME stream, setReject and forward.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { emailExecutionId } from '../../src/domain/ids'
import { gatherDueNow, gathered } from '../helpers/gather'
import { deliverEmail as deliver } from '../helpers/email'
import { call, finished, json, listed, putFlow, uniqueId, waitFor } from '../helpers/api'

const mime = (to: string, messageId: string, text = 'Please ship order 42.') => `From: Ada Lovelace <ada@example.com>
To: ${to}
Subject: Order 42
Message-ID: <${messageId}@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

${text}
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename="invoice.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
`

const address = () => `${uniqueId('to').toLowerCase()}@edgeflow.test`

const receiver = (to: string | undefined, extra: object = {}) => ({
  triggers: [{ type: 'email', ...(to ? { address: to } : {}) }],
  tasks: [{ id: 'echo', type: 'return', body: { subject: '{{ input.body.subject }}' } }],
  ...extra,
})

describe('email triggers', () => {
  it('reject mail no flow receives, with the reason', async () => {
    const delivered = await deliver(mime('nobody@edgeflow.test', crypto.randomUUID()), 'nobody@edgeflow.test')
    expect(delivered).toEqual({ rejected: ['no flow receives mail for nobody@edgeflow.test'], forwarded: [] })
  })

  it('start the flow for its address with the message parsed, once per Message-ID', async () => {
    const to = address()
    const flowId = uniqueId('mail')
    await putFlow(flowId, receiver(to.toUpperCase()))
    const messageId = crypto.randomUUID()
    expect(await deliver(mime(to, messageId), to)).toEqual({ rejected: [], forwarded: [] })
    const id = await emailExecutionId(flowId, `<${messageId}@example.com>`)
    const done = await waitFor(id, finished)
    expect(done).toMatchObject({ status: 'completed', trigger: 'email', output: { body: { subject: 'Order 42' } } })
    expect(done.input.body).toEqual({
      from: 'ada@example.com',
      to,
      fromName: 'Ada Lovelace',
      subject: 'Order 42',
      messageId: `<${messageId}@example.com>`,
      date: null,
      text: 'Please ship order 42.',
      html: null,
      attachments: [{ filename: 'invoice.pdf', mimeType: 'application/pdf', disposition: 'attachment', size: 9 }],
    })
    expect(done.input.headers).toMatchObject({ subject: 'Order 42', 'message-id': `<${messageId}@example.com>` })

    // the same message again (a sending server retrying): no second execution
    expect(await deliver(mime(to, messageId), to)).toEqual({ rejected: [], forwarded: [] })
    const page = await listed(`flowId=${flowId}`, 1)
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([id])
  })

  it('let a sync flow reject the message with a reason, or forward it', async () => {
    const rejecting = address()
    await putFlow(uniqueId('reject'), {
      mode: 'sync',
      triggers: [{ type: 'email', address: rejecting }],
      tasks: [{ id: 'no', type: 'return', body: { reject: 'we take no orders by mail: {{ input.body.subject }}' } }],
    })
    expect(await deliver(mime(rejecting, crypto.randomUUID()), rejecting)).toEqual({
      rejected: ['we take no orders by mail: Order 42'],
      forwarded: [],
    })

    const forwarding = address()
    await putFlow(uniqueId('forward'), {
      mode: 'sync',
      triggers: [{ type: 'email', address: forwarding }],
      tasks: [{ id: 'fw', type: 'return', body: { forward: ['ops@example.com', 'audit@example.com'] } }],
    })
    expect(await deliver(mime(forwarding, crypto.randomUUID()), forwarding)).toEqual({
      rejected: [],
      forwarded: ['ops@example.com', 'audit@example.com'],
    })
  })

  it('reject a message over the size limit, or one the flow’s input schema refuses', async () => {
    const to = address()
    await putFlow(
      uniqueId('bounded'),
      receiver(to, { input: { type: 'object', properties: { subject: { type: 'string', maxLength: 3 } } } }),
    )
    const big = await deliver(mime(to, crypto.randomUUID(), 'x'.repeat(5_000)), to, {
      ...env,
      BODY_LIMIT_BYTES: '4096',
    })
    expect(big.rejected[0]).toMatch(/^the message's text and headers are \d+ bytes, over the limit of 4096$/)
    const refused = await deliver(mime(to, crypto.randomUUID()), to)
    expect(refused.rejected[0]).toContain('subject')
  })

  it('reject a message over the flow’s rate limit, creating nothing', async () => {
    const to = address()
    await putFlow(uniqueId('rated'), receiver(to, { rateLimit: { limit: 1, period: '1h' } }))
    expect((await deliver(mime(to, crypto.randomUUID()), to)).rejected).toEqual([])
    const over = await deliver(mime(to, crypto.randomUUID()), to)
    expect(over.rejected[0]).toMatch(/over its rate limit, try again in \d+ s$/)
  })

  it('gather mail into a flow’s batch, each message once', async () => {
    const to = address()
    const flowId = uniqueId('digest')
    await putFlow(flowId, receiver(to, { batch: { maxSize: 10, timeout: '1h' } }))
    const id = crypto.randomUUID()
    expect((await deliver(mime(to, id, 'one'), to)).rejected).toEqual([])
    await deliver(mime(to, id, 'one'), to)
    await deliver(mime(to, crypto.randomUUID(), 'two'), to)
    const held = await gathered(flowId, 'batch')
    expect(held?.windows[0]?.size).toBe(2)
    await gatherDueNow(flowId, 'batch')
    const done = await waitFor(held?.windows[0]?.executionId ?? '', finished)
    expect(done.trigger).toBe('email')
    expect(done.input.body.items.map((item: { text: string }) => item.text.trim())).toEqual(['one', 'two'])
  })

  it('refuse a bad address at PUT with its path', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, receiver('not an address'))
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error.issues.map((issue: { path: string }) => issue.path)).toEqual(['triggers.0.address'])
  })

  it('give mail no flow names to the flows without an address', async () => {
    const flowId = uniqueId('catchall')
    await putFlow(flowId, receiver(undefined))
    const to = address()
    expect(await deliver(mime(to, crypto.randomUUID()), to)).toEqual({ rejected: [], forwarded: [] })
    const page = await listed(`flowId=${flowId}`, 1)
    expect((await waitFor(page.items[0].id, finished)).input.body.to).toBe(to)
    // the catch-all would take the other tests' unnamed mail
    expect((await call('DELETE', `/api/flows/${flowId}`)).status).toBe(204)
  })
})
