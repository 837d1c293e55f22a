/**
 * @module The order of executions queued by a concurrency limit (pure; docs/flows.md, Priority): higher
 * priority first, first in first out within a priority, and ageing so that no execution starves.
 *
 * Ageing: an execution's effective priority is `priority + waited / AGEING_MS` — one level for every
 * minute it has waited. Between two queued executions the waited time grows alike, so the order of
 * effective priorities never changes while they wait: it is the order of `since - priority ×
 * AGEING_MS`, the rank, as if priority `p` had arrived `p` minutes earlier. The coordinator stores
 * each queued execution's rank when it joins, and admits in order of rank, then arrival.
 *
 * The bound this gives: an execution is overtaken only by executions that arrive less than
 * `(their priority − its priority) × AGEING_MS` after it; since priorities lie in ±MAX_PRIORITY, none
 * that arrives `2 × MAX_PRIORITY × AGEING_MS` (200 minutes) or more after it ever goes first.
 */
import { MAX_PRIORITY } from '../flow/flow-control'

/** How long a queued execution waits to gain one level of priority. */
export const AGEING_MS = 60_000

/** The longest after an execution's arrival that a later one may still be admitted before it. */
export const OVERTAKE_BOUND_MS = 2 * MAX_PRIORITY * AGEING_MS

/** A queued execution's rank: lower goes first (its arrival, moved earlier by its priority). */
export const queueRank = (priority: number, since: number): number => since - priority * AGEING_MS

export interface Queued {
  priority: number
  /** When it joined the queue. */
  since: number
  /** Its place in arrival order (ties of rank go first in, first out). */
  seq: number
}

/** The queue in the order its executions are admitted. */
export const admissionOrder = <T extends Queued>(queue: readonly T[]): T[] =>
  [...queue].sort((a, b) => queueRank(a.priority, a.since) - queueRank(b.priority, b.since) || a.seq - b.seq)

/** The effective priority of a queued execution at `now` (what the order amounts to; shown to operators). */
export const effectivePriority = (entry: Pick<Queued, 'priority' | 'since'>, now: number): number =>
  entry.priority + (now - entry.since) / AGEING_MS
