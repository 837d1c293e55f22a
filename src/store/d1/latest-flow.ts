/**
 * @module The latest revision of a flow as triggers see it, cached in the isolate so that a hot
 * trigger costs no D1 read. A PUT or DELETE in this isolate updates the cache at once; other
 * isolates notice within `LATEST_TTL_MS` — or, for a trigger that may answer from a stale entry
 * while the entry is read again after it (`refreshLater`), with the first trigger after that.
 */
import { type StoredFlow, getFlow } from './flows'

export const LATEST_TTL_MS = 5_000
/** Flows remembered at most (the oldest go first): unknown ids cannot grow the cache without bound. */
export const LATEST_MAX_ENTRIES = 1_000

const latest = new Map<string, { checkedAt: number; flow: StoredFlow | null }>()

export interface LatestOptions {
  now?: number
  /** Answers from a stale entry and hands over the read that refreshes it (a trigger's `waitUntil`, which logs its failure). */
  refreshLater?: (refresh: Promise<unknown>) => void
  /** Reads D1 whatever the cache holds (a request that carries a D1 bookmark: read-your-writes). */
  fresh?: boolean
}

export async function latestFlow(d1: D1Database, id: string, options: LatestOptions = {}): Promise<StoredFlow | null> {
  const now = options.now ?? Date.now()
  const cached = options.fresh ? undefined : latest.get(id)
  if (cached && now - cached.checkedAt < LATEST_TTL_MS) return cached.flow
  if (cached && options.refreshLater) {
    // checked now, so that the triggers meanwhile do not all read it again
    latest.set(id, { checkedAt: now, flow: cached.flow })
    // from a timer: the read starts once the answer is out
    const refresh = new Promise((resolve) => setTimeout(resolve, 0)).then(() => read(d1, id, now))
    options.refreshLater(refresh)
    return cached.flow
  }
  return read(d1, id, now)
}

async function read(d1: D1Database, id: string, now: number): Promise<StoredFlow | null> {
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
