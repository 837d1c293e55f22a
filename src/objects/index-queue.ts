/**
 * @module The index queue's consumer, the Worker's `queue()` handler: every batch of summaries and
 * deletions the execution objects sent becomes one D1 transaction (store/d1/index-batch.ts). A batch
 * D1 refuses is retried whole by the queue, then moved to the dead-letter queue, which retries it
 * again; a summary that even those retries could not write is handed back to its object, which
 * owes it to the index again, and a deletion, whose object is gone, starts over from the index
 * queue (docs/architecture.md, "The index follows"). Once a batch is written, the executions in it that
 * ended start the flows that react to them (reactions.ts).
 */
import type { Env } from '../env'
import { INDEX_DEAD_LETTERS } from '../domain/own-queues'
import { type AppliedBatch, applyIndexBatch, deleteMessage, type IndexMessage } from '../store/d1/index-batch'
import { executionDataPoint } from '../telemetry/data-point'
import type { ExecutionSummary } from '../store/d1/schema'
import { startReactions } from './reactions'
import { executionStub } from './stubs'
import { log } from '../log'

export { INDEX_DEAD_LETTERS } from '../domain/own-queues'

/**
 * On which delivery a dead letter's summary is handed back instead of retried (its consumer's
 * max_retries + 1 in wrangler.toml); retries wait the consumer's retry_delay.
 */
export const DEAD_LETTER_ATTEMPTS = 10

export async function consumeIndex(batch: MessageBatch<IndexMessage>, env: Env): Promise<void> {
  const messages = batch.messages.map((message) => message.body)
  const now = Date.now()
  let applied: AppliedBatch
  try {
    applied = await applyIndexBatch(env.DB, messages, now, { ended: env.METRICS !== undefined })
  } catch (error) {
    log.error(`index batch of ${batch.messages.length} failed (${batch.queue})`, { queue: batch.queue }, error)
    for (const message of batch.messages) {
      const { body } = message
      const lastTry = batch.queue === INDEX_DEAD_LETTERS && message.attempts >= DEAD_LETTER_ATTEMPTS
      if (!lastTry) message.retry()
      else if (body.kind === 'upsert') await handBack(message, body.summary, env)
      else await sendAgain(message, env)
    }
    return
  }
  // once the batch is written: a data point for each execution it ended (at most once: one sent
  // again finds its row final), and a reaction that could not start has its summary delivered again
  if (env.METRICS) recordEnded(env.METRICS, applied.ended)
  const unstarted = await startReactions(env, messages, now)
  for (const message of batch.messages) {
    const { body } = message
    if (body.kind !== 'upsert' || !unstarted.has(body.summary.id)) message.ack()
    else if (batch.queue === INDEX_DEAD_LETTERS && message.attempts >= DEAD_LETTER_ATTEMPTS)
      await handBack(message, body.summary, env)
    else message.retry()
  }
}

/**
 * One Workers Analytics Engine data point per ended execution (docs/observability.md). A write is
 * not awaited and throws only for a point the dataset refuses: logged, and nothing else fails.
 */
function recordEnded(dataset: AnalyticsEngineDataset, ended: readonly ExecutionSummary[]): void {
  for (const summary of ended) {
    try {
      dataset.writeDataPoint(executionDataPoint(summary))
    } catch (error) {
      const fields = { event: 'metrics_write_failed', executionId: summary.id, flowId: summary.flowId }
      log.warn('could not write the data point of an ended execution', fields, error)
    }
  }
}

/** A deletion every retry failed to write starts over from the index queue: its object is gone. */
async function sendAgain(message: Message<IndexMessage>, env: Env): Promise<void> {
  try {
    await env.INDEX_QUEUE.send(message.body)
    message.ack()
  } catch (error) {
    log.error(
      'could not send a deletion to the index again',
      { executionId: message.body.kind === 'delete' ? message.body.id : message.body.summary.id },
      error,
    )
    message.retry()
  }
}

/**
 * A summary that every retry failed to write goes back to its object, which sends it again; an
 * object that holds no execution any more (deleted meanwhile) has its deletion sent again instead.
 */
async function handBack(message: Message<IndexMessage>, summary: ExecutionSummary, env: Env): Promise<void> {
  try {
    const { found } = await executionStub(env, summary.id).reindex()
    if (!found) await env.INDEX_QUEUE.send(deleteMessage(summary.id, summary.createdAt))
    message.ack()
  } catch (error) {
    log.error(
      'could not hand a summary back to its execution',
      { executionId: summary.id, flowId: summary.flowId },
      error,
    )
    message.retry()
  }
}
