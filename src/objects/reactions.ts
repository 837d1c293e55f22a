/**
 * @module Flows that react to executions, started by the index queue's consumer (README, Flows that
 * react to executions): every batch it writes carries the summaries of the executions that ended,
 * so matching them costs no D1 read at the end of an execution — only the watching flows, read once
 * per isolate and TTL (store/d1/watchers.ts). Each start is under an id derived from the reacting
 * flow and the ended execution, so a summary delivered twice, a batch retried, or the repair an
 * object sends when it is loaded again start nothing twice: the start finds its execution.
 */
import type { Env } from '../env'
import { reactionExecutionId } from '../domain/ids'
import { namedExecutionId } from './placed-ids'
import { FINAL_EXECUTION } from '../core/transitions'
import { reactionsTo, type Watcher } from '../flow/reactions'
import { summaryView } from '../shapes/views'
import { type IndexMessage, latestPerExecution } from '../store/d1/index-batch'
import type { ExecutionSummary } from '../store/d1/schema'
import { watchingFlows } from '../store/d1/watchers'
import { launch, triggerInput } from './stubs'
import { log } from '../log'

/**
 * Starts the reactions to the executions of a batch that ended; resolves with the ids of the ended
 * executions some reaction to which could not be started (their messages are to be retried).
 */
export async function startReactions(env: Env, messages: readonly IndexMessage[], now: number): Promise<Set<string>> {
  const ended = latestPerExecution(messages).upserts.filter((summary) => FINAL_EXECUTION.has(summary.status))
  if (ended.length === 0) return new Set()
  let watchers: Watcher[]
  try {
    watchers = await watchingFlows(env.DB, now)
  } catch (error) {
    log.error('could not read the flows that react to executions', {}, error)
    return new Set(ended.map((summary) => summary.id))
  }
  const failed = new Set<string>()
  await Promise.all(
    reactionsTo(ended, watchers).map(async ({ watcher, ended: execution }) => {
      try {
        await react(env, watcher, execution, now)
      } catch (error) {
        log.error(
          'a flow could not react to an execution',
          { flowId: watcher.flowId, executionId: execution.id },
          error,
        )
        failed.add(execution.id)
      }
    }),
  )
  return failed
}

async function react(env: Env, watcher: Watcher, ended: ExecutionSummary, now: number): Promise<void> {
  const result = await launch(env, {
    executionId: namedExecutionId(
      env,
      await reactionExecutionId(watcher.flowId, ended.id),
      watcher.definition.placement?.jurisdiction,
    ),
    flowId: watcher.flowId,
    revision: watcher.revision,
    definition: watcher.definition,
    trigger: 'execution',
    input: triggerInput('execution', summaryView(ended), now),
    reaction: { executionId: ended.id, depth: (ended.reactionDepth ?? 0) + 1 },
  })
  // a concurrency limit that rejects refuses the reaction, as it would any trigger
  if (!result.ok && result.code !== 'rejected') throw new Error(result.message)
}
