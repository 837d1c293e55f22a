/**
 * @module The index sweep, the Worker's `scheduled()` handler (wrangler.toml `[triggers]`, every
 * minute): the D1 list converges even when a summary never arrives — a queue that lost a message
 * (`wrangler dev` keeps its queue in memory, so a `kill -9` loses what was not consumed yet) and
 * an object that nothing wakes again (a completed execution sleeps until its retention is over).
 * One D1 statement takes at most `INDEX_SWEEP_LIMIT` unsettled rows nobody wrote for
 * `INDEX_SWEEP_STALE_MS` (store/d1/index-sweep.ts); each is checked against its object, which sends
 * its summary again when the row is behind; a row whose object holds no execution is deleted
 * through the index queue, with its tombstone (docs/architecture.md, "The index follows").
 */
import type { Env } from '../env'
import { deleteMessage } from '../store/d1/index-batch'
import { type StaleRow, takeStaleRows } from '../store/d1/index-sweep'
import { executionObjectId } from './stubs'
import { log } from '../log'

/** Rows checked by one sweep at most: as many object calls, at most one queue message each. */
export const SWEEP_LIMIT = 100

/**
 * How long an unsettled row goes unwritten before the sweep checks it: far longer than the queue
 * takes to deliver (about a second), so that only a lost summary — or an execution that is simply
 * long, waiting or sleeping — is checked, and each at most once in this time.
 */
export const SWEEP_STALE_MS = 120_000

export interface SweepResult {
  /** Rows taken from D1 and checked. */
  checked: number
  /** Rows whose object sent its summary again: the index was behind. */
  resent: number
  /** Rows whose object holds no execution: deleted from the index. */
  deleted: number
  /** Rows whose object could not be asked (checked again after `INDEX_SWEEP_STALE_MS`). */
  failed: number
}

/** A positive whole number from a var, else the default. */
const setting = (value: string | undefined, fallback: number) => {
  const parsed = Number(value)
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : fallback
}

export async function sweepIndex(env: Env, now: number): Promise<SweepResult> {
  const limit = setting(env.INDEX_SWEEP_LIMIT, SWEEP_LIMIT)
  const staleMs = setting(env.INDEX_SWEEP_STALE_MS, SWEEP_STALE_MS)
  const rows = await takeStaleRows(env.DB, now, now - staleMs, limit)
  const answers = await Promise.allSettled(rows.map((row) => check(env, row)))
  const gone = rows.filter((_, index) => answers[index]?.status === 'fulfilled' && answers[index].value === 'gone')
  if (gone.length > 0)
    await env.INDEX_QUEUE.sendBatch(gone.map((row) => ({ body: deleteMessage(row.id, row.createdAt) })))
  const result: SweepResult = { checked: rows.length, resent: 0, deleted: gone.length, failed: 0 }
  answers.forEach((answer, index) => {
    if (answer.status === 'fulfilled') result.resent += answer.value === 'resent' ? 1 : 0
    else {
      result.failed += 1
      log.error('index sweep: could not check an execution', { executionId: rows[index]?.id }, answer.reason)
    }
  })
  if (rows.length > 0) log.info('index sweep', { event: 'index_sweep', ...result })
  return result
}

/** What the object said of a row: it resent its summary, the row is current, or it holds no execution. */
async function check(env: Env, row: StaleRow): Promise<'resent' | 'current' | 'gone'> {
  const id = executionObjectId(env, row.id)
  if (!id) return 'gone'
  const { found, resent } = await env.EXECUTIONS.get(id).reindex({ createdAt: row.createdAt, version: row.version })
  if (!found) return 'gone'
  return resent ? 'resent' : 'current'
}
