/**
 * @module Deleting an execution for good, when its retention is over or on request: its deletion
 * from the index handed to the index queue first (whose consumer leaves a tombstone, so that no
 * summary still in the queue brings the row back), then its object's storage. The cleanup timer
 * stays in that storage to the end, so a deletion cut short (a crash, the queue unreachable) leaves
 * an object whose alarm finishes the job.
 */
import { deleteMessage, type IndexMessage } from '../store/d1/index-batch'
import type { ExecutionStore } from '../store/execution/store'

/** A deletion on request that the index queue cut short: the cleanup timer, due within a minute, finishes it. */
export class DeletionDeferred extends Error {
  readonly type = 'deletion_deferred'
  override readonly name = 'DeletionDeferred'
  constructor(executionId: string) {
    super(`execution ${executionId} could not be deleted from the index yet`)
  }
}

export async function eraseExecution(
  store: ExecutionStore,
  index: Queue<IndexMessage>,
  execution: { id: string; createdAt: number },
): Promise<void> {
  await index.send(deleteMessage(execution.id, execution.createdAt))
  await store.erase()
}
