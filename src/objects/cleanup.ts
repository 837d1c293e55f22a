/**
 * @module Deleting an execution for good, when its retention is over or on request: its D1 row
 * first, then its object's storage. The cleanup timer stays in that storage to the end, so a
 * deletion cut short (a crash, D1 unreachable) leaves an object whose alarm finishes the job.
 */
import { deleteSummary } from '../store/d1/executions'

/** A deletion on request that D1 cut short: the cleanup timer, due within a minute, finishes it. */
export class DeletionDeferred extends Error {
  readonly type = 'deletion_deferred'
  override readonly name = 'DeletionDeferred'
  constructor(executionId: string) {
    super(`execution ${executionId} could not be deleted from the index yet`)
  }
}

export async function eraseExecution(
  storage: DurableObjectStorage,
  d1: D1Database,
  executionId: string,
): Promise<void> {
  await deleteSummary(d1, executionId)
  // since compatibility date 2026-02-24 deleteAll also drops the alarm, in one step; deleteAlarm
  // first says so for any date, and leaves no alarm metadata behind
  await storage.deleteAlarm()
  await storage.deleteAll()
}
