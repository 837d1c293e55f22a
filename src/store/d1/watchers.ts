/**
 * @module The flows that react to executions (an `execution` trigger in their latest revision), as
 * the index queue's consumer matches every ended execution against them: the subscribers of that
 * type (subscribers.ts), cached per isolate.
 */
import type { Watcher } from '../../flow/reactions'
import { forgetSubscribers, subscribedFlows, subscribersQuery } from './subscribers'

export const watchingFlows = (d1: D1Database, now = Date.now()): Promise<Watcher[]> =>
  subscribedFlows(d1, 'execution', now)

/** A flow was written or deleted in this isolate: the next batch reads the watching flows again. */
export const forgetWatchers = forgetSubscribers

/** The enabled watching flows with their latest definitions: a lookup of the `flows_watching` index (exported for its plan's test). */
export const watchersQuery = (d1: D1Database) => subscribersQuery(d1, 'execution')
