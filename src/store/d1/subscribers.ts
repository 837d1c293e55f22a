/**
 * @module The flows an event starts, found by their trigger type rather than by id: the flows that
 * react to executions (an `execution` trigger, read by the index queue's consumer) those that
 * consume a queue (a `queue` trigger, read by the Worker's queue() handler), and those that receive
 * email (an `email` trigger, read by its email() handler). Each type has its
 * column of `flows`, set from the latest revision and read through a partial index of the flows
 * that have it. Cached in the isolate like the latest flows (latest-flow.ts): one D1 read per type
 * per `LATEST_TTL_MS` at most, never one per event. A PUT or DELETE in this isolate forgets the
 * cache at once; other isolates notice within the TTL.
 */
import { and, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { FlowDefinition, TriggerDefinition } from '../../flow/schema'
import { LATEST_TTL_MS } from './latest-flow'
import { flowRevisions, flows } from './schema'

/** The trigger types whose flows are looked up by type, each with its column of `flows`. */
const COLUMNS = {
  execution: flows.watchesExecutions,
  queue: flows.consumesQueues,
  email: flows.receivesEmail,
} as const

export type SubscribedType = keyof typeof COLUMNS
export const SUBSCRIBED_TYPES = Object.keys(COLUMNS) as SubscribedType[]

export type TriggerOf<T extends SubscribedType> = Extract<TriggerDefinition, { type: T }>

/** An enabled flow with triggers of one type in its latest revision. */
export interface Subscriber<T extends SubscribedType> {
  flowId: string
  revision: number
  definition: FlowDefinition
  triggers: TriggerOf<T>[]
}

// each entry holds the subscribers of its own key's type
const cache = new Map<SubscribedType, { checkedAt: number; subscribers: Promise<unknown> }>()

export function subscribedFlows<T extends SubscribedType>(
  d1: D1Database,
  type: T,
  now = Date.now(),
): Promise<Subscriber<T>[]> {
  const cached = cache.get(type)
  if (cached && now - cached.checkedAt < LATEST_TTL_MS) return cached.subscribers as Promise<Subscriber<T>[]>
  const subscribers = read(d1, type)
  cache.set(type, { checkedAt: now, subscribers })
  // a failed read is not remembered: the next event reads again
  subscribers.catch(() => {
    if (cache.get(type)?.subscribers === subscribers) cache.delete(type)
  })
  return subscribers
}

/** A flow was written or deleted in this isolate: the next event reads its subscribers again. */
export function forgetSubscribers(): void {
  cache.clear()
}

/** The enabled flows with triggers of the type and their latest definitions: a lookup of the type's partial index (exported for its plan's test). */
export const subscribersQuery = (d1: D1Database, type: SubscribedType) =>
  drizzle(d1)
    .select({ flowId: flows.id, revision: flows.latestRevision, definition: flowRevisions.definition })
    .from(flows)
    .innerJoin(flowRevisions, and(eq(flowRevisions.flowId, flows.id), eq(flowRevisions.revision, flows.latestRevision)))
    .where(and(eq(COLUMNS[type], true), eq(flows.enabled, true)))

async function read<T extends SubscribedType>(d1: D1Database, type: T): Promise<Subscriber<T>[]> {
  const rows = await subscribersQuery(d1, type).all()
  const ofType = (trigger: TriggerDefinition): trigger is TriggerOf<T> => trigger.type === type
  return rows.map((row) => ({ ...row, triggers: (row.definition.triggers ?? []).filter(ofType) }))
}
