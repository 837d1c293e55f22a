/**
 * @module The Worker's queue() handler for every queue that is not edgeflow's own (README, Queue
 * triggers): each message starts the flows subscribed to its queue — one execution per message, or
 * one per batch — under an id derived from the message (or the batch's messages), so a message
 * delivered again starts nothing twice. A message is acknowledged only once every execution it
 * starts is created (the start answers after its row is written); one that some flow could not
 * start — no enabled flow consumes the queue, a body the trigger's format refuses, an input the
 * flow's schema refuses, a rate limit or a concurrency limit that rejects, an error — is retried, so the queue's
 * `max_retries`, `retry_delay` and dead-letter queue decide what becomes of it.
 */
import type { Env } from '../env'
import { toTaskError } from '../domain/errors'
import { log } from '../log'
import { queueBatchExecutionId, queueMessageExecutionId } from '../domain/ids'
import { namedExecutionId } from './placed-ids'
import { batchBody, consuming, messageBody, type MessageBody, type QueueTrigger } from '../flow/queue-trigger'
import { type Subscriber, subscribedFlows } from '../store/d1/subscribers'
import { launch, triggerInput } from './stubs'
import { compiledRevision } from '../flow/cache'
import { hitRateLimit } from './coordinators'
import { gather } from './gatherers'

/** Why a start did not happen, and how long the queue should wait before delivering again (seconds). */
interface Refusal {
  reason: string
  delaySeconds?: number
}

/** One start: a flow's trigger, with the messages it covers (one, or the whole batch). */
interface Start {
  subscriber: Subscriber<'queue'>
  trigger: QueueTrigger
  messages: readonly Message<unknown>[]
}

export async function consumeQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const now = Date.now()
  let starts: Start[]
  try {
    starts = startsOf(await subscribedFlows(env.DB, 'queue', now), batch)
  } catch (error) {
    log.error(
      `could not read the flows that consume ${batch.queue}`,
      { event: 'queue_trigger_retry', queue: batch.queue },
      error,
    )
    batch.retryAll()
    return
  }
  if (starts.length === 0) {
    log.error(`no enabled flow consumes the queue ${batch.queue}: its ${batch.messages.length} messages are retried`, {
      event: 'queue_trigger_retry',
      queue: batch.queue,
    })
    batch.retryAll()
    return
  }
  const refused = new Map<Message<unknown>, Refusal>()
  await Promise.all(
    starts.map(async (start) => {
      const refusal = await startOne(env, batch.queue, start, now)
      if (!refusal) return
      log.error(`${start.subscriber.flowId} could not start from ${batch.queue}: ${refusal.reason}`, {
        event: 'queue_trigger_retry',
        flowId: start.subscriber.flowId,
        queue: batch.queue,
        messages: start.messages.map((message) => message.id),
      })
      for (const message of start.messages) refused.set(message, later(refused.get(message), refusal))
    }),
  )
  for (const message of batch.messages) {
    const refusal = refused.get(message)
    if (!refusal) message.ack()
    else message.retry(refusal.delaySeconds === undefined ? undefined : { delaySeconds: refusal.delaySeconds })
  }
}

/** The starts a batch makes: each subscribed trigger once per message, or once for the batch. */
function startsOf(subscribers: readonly Subscriber<'queue'>[], batch: MessageBatch<unknown>): Start[] {
  return subscribers.flatMap((subscriber) =>
    consuming(subscriber.triggers, batch.queue).flatMap((trigger) =>
      trigger.batch
        ? [{ subscriber, trigger, messages: batch.messages }]
        : batch.messages.map((message) => ({ subscriber, trigger, messages: [message] })),
    ),
  )
}

/** Of two refusals of one message, the one that waits longer. */
const later = (one: Refusal | undefined, other: Refusal): Refusal =>
  (one?.delaySeconds ?? 0) > (other.delaySeconds ?? 0) ? one! : other

/** Starts one execution; resolves with why it could not, or null once it exists. */
async function startOne(env: Env, queue: string, start: Start, now: number): Promise<Refusal | null> {
  const { subscriber, trigger, messages } = start
  const [single] = messages
  const body: MessageBody =
    trigger.batch || !single ? batchBody(trigger.format, queue, messages) : messageBody(trigger.format, single.body)
  if (!body.ok) return { reason: body.path ? `${body.message} (at ${body.path})` : body.message }
  const name =
    trigger.batch || !single
      ? await queueBatchExecutionId(
          subscriber.flowId,
          queue,
          messages.map((message) => message.id),
        )
      : await queueMessageExecutionId(subscriber.flowId, queue, single.id)
  const input = triggerInput('queue', body.body, now)
  let executionId = name
  try {
    executionId = namedExecutionId(env, name, subscriber.definition.placement?.jurisdiction)
    // over the flow's rate limit nothing is created: the message comes back once the window has room
    const compiled = compiledRevision(subscriber.flowId, subscriber.revision, subscriber.definition)
    const rate = await hitRateLimit(env, compiled, input)
    if (!rate.allowed)
      return { reason: 'rate_limited: over the flow’s rateLimit', delaySeconds: Math.ceil(rate.retryAfterMs / 1000) }
    // a flow that debounces or batches: the message is written into its key's window (once, by the
    // id it would have started), which is as durable as a start
    if (await gather(env, compiled, input, executionId)) return null
    const result = await launch(env, {
      executionId,
      flowId: subscriber.flowId,
      revision: subscriber.revision,
      definition: subscriber.definition,
      trigger: 'queue',
      input,
    })
    if (!result.ok) {
      const delaySeconds = result.retryAfterMs === undefined ? undefined : Math.ceil(result.retryAfterMs / 1000)
      return { reason: `${result.code}: ${result.message}`, ...(delaySeconds === undefined ? {} : { delaySeconds }) }
    }
    // the execution exists, failed at once: its input does not match the flow's schema
    if (result.error?.issues) return { reason: `${executionId}: ${result.error.message}` }
    return null
  } catch (error) {
    return { reason: `${executionId}: ${toTaskError(error).message}` }
  }
}
