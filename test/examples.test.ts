import { env } from 'cloudflare:workers'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { actions } from '../src/actions/index'
import alertFailures from '../examples/alert_failures.json'
import approval from '../examples/approval.json'
import batch from '../examples/batch.json'
import debounced from '../examples/debounced.json'
import deliver from '../examples/deliver.json'
import digest from '../examples/digest.json'
import euOrders from '../examples/eu_orders.json'
import fanout from '../examples/fanout.json'
import flaky from '../examples/flaky.json'
import greet from '../examples/greet.json'
import orderSaga from '../examples/order-saga.json'
import parent from '../examples/parent.json'
import priority from '../examples/priority.json'
import route from '../examples/route.json'
import supportInbox from '../examples/support_inbox.json'
import tagged from '../examples/tagged.json'
import validate from '../examples/validate.json'
import { call, finished, json, listedWhere, putFlow, uniqueId, waitFor } from './helpers/api'
import { deliverEmail } from './helpers/email'
import { emailExecutionId } from '../src/domain/ids'
import { gatherDueNow } from './helpers/gather'

const examples = {
  alert_failures: alertFailures,
  approval,
  batch,
  debounced,
  deliver,
  digest,
  eu_orders: euOrders,
  fanout,
  flaky,
  greet,
  orderSaga,
  parent,
  priority,
  route,
  support_inbox: supportInbox,
  tagged,
  validate,
}

/** The examples call the local target on 127.0.0.1:9100; tests serve it elsewhere. */
const local = (flow: object) => JSON.parse(JSON.stringify(flow).replaceAll('http://127.0.0.1:9100', env.TARGET_URL))

async function trigger(flowId: string, body: unknown) {
  const response = await call('POST', `/hooks/${flowId}`, body)
  return { response, executionId: response.headers.get('x-execution-id')! }
}

describe('examples/', () => {
  it('hold every task type', () => {
    const used = new Set(
      JSON.stringify(examples)
        .match(/"type":"\w+"/g)
        ?.map((match) => match.slice(8, -1)),
    )
    for (const action of actions) expect(used).toContain(action.type)
  })

  it('are all valid flows', async () => {
    for (const [id, flow] of Object.entries(examples)) await putFlow(id, local(flow))
  })

  it('greet answers with a greeting', async () => {
    const { response } = await trigger('greet', { name: 'Ada' })
    expect(await json(response)).toEqual({ greeting: 'Hello, Ada!' })
  })

  it('flaky retries twice, answers, then sleeps', async () => {
    const { response, executionId } = await trigger('flaky', {})
    expect(await json(response)).toEqual({ attempts: 3 })
    expect((await waitFor(executionId, finished, 15_000)).status).toBe('completed')
  })

  it('validate accepts an email and fails on anything else', async () => {
    expect((await trigger('validate', { email: 'ada@example.com' })).response.status).toBe(201)
    const refused = await trigger('validate', { email: 'nope' })
    expect(refused.response.status).toBe(500)
    expect((await json(refused.response)).error).toMatchObject({ taskId: 'reject', message: 'invalid email nope' })
  })

  it('route picks a provider per method', async () => {
    expect(await json((await trigger('route', { method: 'bank' })).response)).toEqual({ provider: 'sepa' })
    expect((await trigger('route', { method: 'cash' })).response.status).toBe(422)
  })

  it('fanout calls both services at once', async () => {
    expect(await json((await trigger('fanout', {})).response)).toEqual({ waited: 400 })
  })

  it('batch notifies every recipient', async () => {
    const { executionId } = await trigger('batch', { recipients: ['a@x', 'b@x', 'c@x', 'd@x'] })
    const done = await waitFor(executionId, finished)
    expect(done.taskRuns[0].output).toEqual([{ last: 'a@x' }, { last: 'b@x' }, { last: 'c@x' }, { last: 'd@x' }])
  })

  it('debounced syncs a customer once, with the last edit of the burst', async () => {
    const answers = []
    for (const name of ['Ad', 'Ada', 'Ada L.'])
      answers.push(await json(trigger('debounced', { customerId: 'c1', name }).then((t) => t.response)))
    expect(new Set(answers.map((answer) => answer.executionId)).size).toBe(1)
    await gatherDueNow('debounced', 'debounce', 'c1')
    const done = await waitFor(answers[0].executionId, finished)
    expect(JSON.parse(done.taskRuns[0].output.body.body)).toEqual({ customerId: 'c1', name: 'Ada L.' })
  })

  it('digest posts the signups it gathered in one call', async () => {
    const { response } = await trigger('digest', { email: 'a@x' })
    const { executionId } = await json(response)
    await trigger('digest', { email: 'b@x' })
    await gatherDueNow('digest', 'batch')
    const done = await waitFor(executionId, finished)
    expect(JSON.parse(done.taskRuns[0].output.body.body)).toEqual({ count: 2, emails: ['a@x', 'b@x'] })
  })

  it('support_inbox opens a ticket for a question, forwards an invoice, refuses a mail with no subject', async () => {
    const mail = (id: string, subject: string) =>
      `From: Ada <ada@example.com>\nTo: support@example.com\nSubject: ${subject}\nMessage-ID: <${id}@example.com>\n` +
      `Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nNo rows since Monday.\n` +
      `--b\nContent-Type: text/csv\nContent-Disposition: attachment; filename="export.csv"\n\nid\n--b--\n`
    const question = uniqueId('q')
    expect(await deliverEmail(mail(question, 'The export is empty'), 'support@example.com')).toEqual({
      rejected: [],
      forwarded: [],
    })
    const done = await waitFor(await emailExecutionId('support_inbox', `<${question}@example.com>`), finished)
    expect(done.output).toMatchObject({ body: { ticket: 200 } })
    const ticket = done.taskRuns.find((run: { taskId: string }) => run.taskId === 'ticket')
    expect(ticket.attempts[0].input.body).toEqual({
      from: 'ada@example.com',
      subject: 'The export is empty',
      text: 'No rows since Monday.',
      attachments: 'export.csv',
    })
    expect(await deliverEmail(mail(uniqueId('i'), 'Invoice 42'), 'support@example.com')).toEqual({
      rejected: [],
      forwarded: ['billing@example.com'],
    })
    expect(await deliverEmail(mail(uniqueId('e'), ' '), 'support@example.com')).toEqual({
      rejected: ['say what it is about in the subject'],
      forwarded: [],
    })
  })

  it('priority renders a report of a paying customer', async () => {
    const { executionId } = await trigger('priority', { report: 'q3', plan: 'paid' })
    const done = await waitFor(executionId, finished)
    expect(JSON.parse(done.taskRuns[0].output.body.body)).toEqual({ report: 'q3', plan: 'paid' })
  })

  it('tagged labels an order by its customer and its size', async () => {
    const { executionId } = await trigger('tagged', { customer: 'ada', order: 7, total: 250 })
    const done = await waitFor(executionId, finished)
    expect(done.labels).toEqual({ customer: 'ada', channel: 'web', size: 'large' })
  })

  it('alert_failures posts every failed order saga to the target, once', async () => {
    const { executionId } = await trigger('orderSaga', { orderId: 'o-8', sku: 'cup', amount: 3 })
    const page = await listedWhere('flowId=alert_failures', (found) =>
      found.items.some((item: { reactsTo: string }) => item.reactsTo === executionId),
    )
    const reaction = page.items.find((item: { reactsTo: string }) => item.reactsTo === executionId)
    expect(reaction).toMatchObject({ trigger: 'execution' })
    await waitFor(reaction.id, finished)
    const posted = await json(fetch(`${env.TARGET_URL}/captured/failed-${executionId}`))
    expect(posted).toHaveLength(1)
    expect(JSON.parse(posted[0].body)).toMatchObject({
      text: expect.stringMatching(/^orderSaga failed in ship: /),
      execution: executionId,
    })
  })

  it('parent greets through the greet flow', async () => {
    expect(await json((await trigger('parent', { name: 'Bob' })).response)).toEqual({ fromChild: 'Hello, Bob!' })
  })

  it('deliver calls with a secret token it never shows, then delivers a webhook any Standard Webhooks receiver verifies', async () => {
    const { response, executionId } = await trigger('deliver', { order: 42 })
    expect(await json(response)).toEqual({ sentAuthorization: 'Bearer [secret:DEMO_TOKEN]', delivered: 200 })
    const [delivery] = await json(fetch(`${env.TARGET_URL}/captured/${executionId}`))
    expect(new Webhook(env.FLOW_SECRET_DEMO_SIGNING).verify(delivery.body, delivery.headers)).toEqual({
      type: 'order.paid',
      order: 42,
    })
  })

  it('approval waits for the approved event', async () => {
    const { executionId } = await trigger('approval', { amount: 100 })
    await waitFor(executionId, (e) => e.status === 'waiting')
    await call('POST', `/api/executions/${executionId}/events/approved`, { by: 'ops' })
    expect((await waitFor(executionId, finished)).vars).toEqual({ approvedBy: 'ops' })
  })

  it('orderSaga: ship fails, errors alerts, refund and release undo charge and reserve, finally logs', async () => {
    const { executionId } = await trigger('orderSaga', { orderId: 'o-7', sku: 'mug', amount: 12 })
    const done = await waitFor(executionId, finished)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({
      taskId: 'ship',
      type: 'http_error',
      attempt: 1,
      compensation: { ran: 2, completed: 2, failed: 0 },
    })
    type Run = { taskId: string; status: string; handler: string | null; attempts: { input: any }[] }
    expect(done.taskRuns.map((run: Run) => [run.taskId, run.status, run.handler])).toEqual([
      ['reserve', 'completed', null],
      ['charge', 'completed', null],
      ['ship', 'failed', null],
      ['alert', 'completed', 'errors'],
      ['refund', 'completed', 'compensate'],
      ['release', 'completed', 'compensate'],
      ['outcome', 'completed', 'finally'],
    ])
    const refund = done.taskRuns.find((run: Run) => run.taskId === 'refund')
    expect(refund.attempts[0].input.body).toEqual({
      undo: 'charge',
      payment: JSON.stringify({ order: 'o-7', amount: 12 }),
    })
    const logs = await json(call('GET', `/api/executions/${executionId}/logs`))
    const messages = logs.items.map((line: { message: string }) => line.message)
    expect(messages.find((message: string) => message.startsWith('order o-7: ship failed'))).toMatch(
      /^order o-7: ship failed after 1 attempt\(s\): .*503/,
    )
    expect(messages).toContain('order o-7 ended failed')
  })
})
