/**
 * @module The latest revision of a flow as triggers see it, cached in the isolate so that a hot
 * trigger costs no D1 read. A PUT or DELETE in this isolate updates the cache at once; other
 * isolates notice within `LATEST_TTL_MS`.
 */
import { type StoredFlow, getFlow } from './flows'

export const LATEST_TTL_MS = 5_000
/** Flows remembered at most (the oldest go first): unknown ids cannot grow the cache without bound. */
export const LATEST_MAX_ENTRIES = 1_000

const latest = new Map<string, { checkedAt: number; flow: StoredFlow | null }>()

export async function latestFlow(d1: D1Database, id: string, now = Date.now()): Promise<StoredFlow | null> {
  const cached = latest.get(id)
  if (cached && now - cached.checkedAt < LATEST_TTL_MS) return cached.flow
  const flow = (await getFlow(d1, id)) ?? null
  rememberFlow(id, flow, now)
  return flow
}

/**
 * Records what this isolate just wrote or read. Concurrent PUTs (or a read racing a PUT) may finish
 * out of order: an older revision never replaces a newer one already remembered.
 */
export function rememberFlow(id: string, flow: StoredFlow | null, now = Date.now()): void {
  const known = latest.get(id)?.flow
  if (flow && known && known.latestRevision > flow.latestRevision) return
  latest.delete(id)
  if (latest.size >= LATEST_MAX_ENTRIES) latest.delete(latest.keys().next().value as string)
  latest.set(id, { checkedAt: now, flow })
}
