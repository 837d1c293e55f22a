/**
 * @module One Durable Object per (flow, concurrency key): the slots of that key and its queue.
 *
 * A slot is held by an execution, not by a request: `acquire` gives one (or a place in the queue,
 * or a refusal), `release` takes it back when the execution ends — once, since a release of what is
 * not held changes nothing. When a slot frees, the head of the queue gets it: the coordinator
 * writes it down as theirs, then tells the execution (`admit`), one at a time and in queue order,
 * so executions of a key start in the order they arrived; an admission not yet told is retried from
 * the alarm. Slots are recovered by reconciliation: every `RECONCILE_MS` the alarm asks each holder's
 * object how it stands, and frees the slot of an execution that ended (its release lost) or no longer
 * exists (deleted, or never created after a slot was granted). An execution waiting for a long time
 * — an event, a child — still holds its slot: it is progressing, as a kill would show.
 *
 * Everything is in the object's SQLite storage, so a reset loses nothing. When the last holder
 * leaves and nobody waits, the object deletes its storage but the average hold time, so that the
 * first refusal after a pause still answers a real Retry-After; that one row goes too when the key
 * stays idle for `REMEMBER_MS`: an idle key costs nothing after a day.
 */
import { DurableObject } from 'cloudflare:workers'
import { type AcquireAnswer, admissions, averageHold, decideAcquire, slotRetryAfterMs } from '../core/admission'
import { queueRank } from '../core/priority'
import type { OnLimit } from '../flow/flow-control'
import type { ExecutionStatus } from '../domain/types'
import type { Env } from '../env'
import { executionStub } from './stubs'
import { log } from '../log'

/** How often each holder's execution is asked how it stands. */
export const RECONCILE_MS = 5 * 60_000
/** A holder whose execution does not exist yet is left alone this long (its object may still be creating it). */
export const MISSING_GRACE_MS = 60_000
/** How soon an admission that could not be told is tried again. */
export const ADMIT_RETRY_MS = 1_000
/** How long an idle key remembers its average hold time (for the Retry-After of its next refusal). */
export const REMEMBER_MS = 24 * 3_600_000

const FINAL: ReadonlySet<ExecutionStatus | null> = new Set(['completed', 'warning', 'failed', 'killed'])

const SETTINGS = 'CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL);'
const SCHEMA = `
CREATE TABLE IF NOT EXISTS holders (
  execution_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  since INTEGER NOT NULL,
  admitted INTEGER NOT NULL,
  checked_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY,
  execution_id TEXT NOT NULL UNIQUE,
  since INTEGER NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  rank INTEGER NOT NULL DEFAULT 0
);
${SETTINGS}
`

/** Queues written before priorities existed: every one of their executions is priority 0, ranked by arrival. */
const PRIORITY_COLUMNS = `
ALTER TABLE queue ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
UPDATE queue SET rank = since;
`

/** The queue in admission order (core/priority.ts: the rank each execution got when it joined, then arrival). */
const IN_ORDER = 'ORDER BY rank, seq'

type Row = Record<string, SqlStorageValue>

/** What the coordinator holds, for tests and operators. */
export interface CoordinatorView {
  limit: number | null
  holders: { executionId: string; since: number; admitted: boolean }[]
  /** The executions waiting, in the order they will be admitted. */
  queue: string[]
}

declare module '../env' {
  interface Env {
    /** One per flow and concurrency key, while executions hold or wait for its slots. */
    COORDINATORS: DurableObjectNamespace<CoordinatorObject>
  }
}

export class CoordinatorObject extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql
  /** The admissions being told, one at a time. */
  private telling: Promise<void> | null = null

  private get exists(): boolean {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'holders'").toArray().length > 0
  }

  private one(query: string, ...bindings: SqlStorageValue[]): Row | undefined {
    return this.sql.exec(query, ...bindings).toArray()[0]
  }

  private count(table: 'holders' | 'queue'): number {
    return Number(this.one(`SELECT count(*) AS n FROM ${table}`)?.n ?? 0)
  }

  private setting(name: string): number | null {
    const value = this.one('SELECT value FROM settings WHERE name = ?', name)?.value
    return value === undefined || value === null ? null : Number(value)
  }

  private setSetting(name: string, value: number): void {
    this.sql.exec(
      'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value',
      name,
      value,
    )
  }

  /** The tables, with the queue's priority columns added to one written before they existed. */
  private ensureSchema(): void {
    this.sql.exec(SCHEMA)
    const columns = this.sql.exec("SELECT name FROM pragma_table_info('queue')").toArray()
    if (!columns.some((column) => column.name === 'rank')) this.sql.exec(PRIORITY_COLUMNS)
  }

  /**
   * Asks for a slot for `executionId` (idempotent: asking again gets the same answer); `priority`
   * places it in the queue should it wait (higher first, aged: core/priority.ts).
   */
  async acquire(executionId: string, limit: number, onLimit: OnLimit, priority = 0): Promise<AcquireAnswer> {
    this.ensureSchema()
    const now = Date.now()
    // the latest revision to ask sets the limit
    this.setSetting('limit', limit)
    if (this.one('SELECT 1 FROM holders WHERE execution_id = ?', executionId)) return { outcome: 'granted' }
    const waiting = this.one('SELECT seq, rank FROM queue WHERE execution_id = ?', executionId)
    if (waiting) return { outcome: 'queued', ahead: this.ahead(Number(waiting.rank), Number(waiting.seq)) }
    const decision = decideAcquire({ held: this.count('holders'), queued: this.count('queue'), limit }, onLimit)
    let answer: AcquireAnswer
    if (decision === 'grant') {
      this.hold(executionId, now, true)
      answer = { outcome: 'granted' }
    } else if (decision === 'queue') {
      const rank = queueRank(priority, now)
      const { seq } = this.sql
        .exec<{ seq: number }>(
          'INSERT INTO queue (execution_id, since, priority, rank) VALUES (?, ?, ?, ?) RETURNING seq',
          executionId,
          now,
          priority,
          rank,
        )
        .one()
      answer = { outcome: 'queued', ahead: this.ahead(rank, seq) }
    } else {
      const oldest = this.one('SELECT min(since) AS since FROM holders')?.since
      const retryAfterMs = slotRetryAfterMs(this.setting('averageHoldMs'), oldest == null ? null : Number(oldest), now)
      answer = { outcome: 'rejected', retryAfterMs }
    }
    // a raised limit may free slots for those already waiting
    this.admit(now)
    await this.tidy(now)
    return answer
  }

  /** The execution ended (or left the queue): its slot goes to the next in line. Releasing twice changes nothing. */
  async release(executionId: string): Promise<void> {
    if (!this.exists) return
    this.ensureSchema()
    const now = Date.now()
    const held = this.one('SELECT since FROM holders WHERE execution_id = ?', executionId)
    if (held) {
      this.setSetting('averageHoldMs', averageHold(this.setting('averageHoldMs'), now - Number(held.since)))
      this.sql.exec('DELETE FROM holders WHERE execution_id = ?', executionId)
    }
    this.sql.exec('DELETE FROM queue WHERE execution_id = ?', executionId)
    this.admit(now)
    await this.tidy(now)
  }

  /** Everything the coordinator holds (null when it holds nothing). */
  async view(): Promise<CoordinatorView | null> {
    if (!this.exists) return null
    return {
      limit: this.setting('limit'),
      holders: this.sql
        .exec('SELECT execution_id, since, admitted FROM holders ORDER BY seq')
        .toArray()
        .map((row) => ({
          executionId: String(row.execution_id),
          since: Number(row.since),
          admitted: row.admitted === 1,
        })),
      queue: this.sql
        .exec(`SELECT execution_id FROM queue ${IN_ORDER}`)
        .toArray()
        .map((row) => String(row.execution_id)),
    }
  }

  override async alarm(): Promise<void> {
    // idle for REMEMBER_MS: the average hold time goes too
    if (!this.exists) return this.ctx.storage.deleteAll()
    this.ensureSchema()
    const now = Date.now()
    await this.reconcile(now)
    this.admit(now)
    await this.tidy(now)
  }

  /** How many queued executions go before the one of `rank` and `seq`. */
  private ahead(rank: number, seq: number): number {
    return Number(
      this.one('SELECT count(*) AS n FROM queue WHERE rank < ? OR (rank = ? AND seq < ?)', rank, rank, seq)?.n ?? 0,
    )
  }

  private hold(executionId: string, now: number, admitted: boolean, seq = now): void {
    this.sql.exec(
      'INSERT INTO holders (execution_id, seq, since, admitted, checked_at) VALUES (?, ?, ?, ?, ?)',
      executionId,
      seq,
      now,
      admitted ? 1 : 0,
      now,
    )
  }

  /** Gives free slots to the head of the queue (written down here first, told afterwards). */
  private admit(now: number): void {
    const limit = this.setting('limit') ?? 1
    const count = admissions({ held: this.count('holders'), queued: this.count('queue'), limit })
    if (count === 0) return
    const heads = this.sql.exec(`SELECT seq, execution_id FROM queue ${IN_ORDER} LIMIT ?`, count).toArray()
    for (const head of heads) {
      this.sql.exec('DELETE FROM queue WHERE seq = ?', head.seq)
      this.hold(String(head.execution_id), now, false, Number(head.seq))
    }
  }

  /** Tells the admitted executions, in queue order, one at a time; a failure is retried from the alarm. */
  private tell(): Promise<void> {
    this.telling ??= (async () => {
      try {
        for (;;) {
          if (!this.exists) return
          const next = this.one('SELECT execution_id FROM holders WHERE admitted = 0 ORDER BY seq LIMIT 1')
          if (!next) return
          const executionId = String(next.execution_id)
          const { status } = await executionStub(this.env, executionId).admit()
          if (!this.exists) return
          if (status === null || FINAL.has(status)) {
            // gone or ended while it waited: the slot goes on to the next one
            this.sql.exec('DELETE FROM holders WHERE execution_id = ?', executionId)
            this.admit(Date.now())
          } else this.sql.exec('UPDATE holders SET admitted = 1 WHERE execution_id = ?', executionId)
        }
      } catch (error) {
        log.error('could not admit an execution; retrying', {}, error)
      } finally {
        this.telling = null
      }
    })()
    return this.telling
  }

  /** Asks the holders not checked for `RECONCILE_MS` how they stand; frees the slots of those that ended or do not exist. */
  private async reconcile(now: number): Promise<void> {
    const due = this.sql
      .exec('SELECT execution_id, since FROM holders WHERE admitted = 1 AND checked_at <= ?', now - RECONCILE_MS)
      .toArray()
    await Promise.all(
      due.map(async (row) => {
        const executionId = String(row.execution_id)
        let status: ExecutionStatus | null
        try {
          status = await executionStub(this.env, executionId).slotStatus()
        } catch (error) {
          log.error('could not reconcile the slot of an execution', { executionId }, error)
          return
        }
        const missing = status === null && now - Number(row.since) >= MISSING_GRACE_MS
        if (missing || (status !== null && FINAL.has(status))) {
          log.warn('freeing the slot of an execution', { executionId, reason: missing ? 'it does not exist' : status })
          this.sql.exec('DELETE FROM holders WHERE execution_id = ?', executionId)
        } else this.sql.exec('UPDATE holders SET checked_at = ? WHERE execution_id = ?', now, executionId)
      }),
    )
  }

  /**
   * Tells whom it must, then arms the alarm for what comes next — an admission to retry, the next
   * reconciliation — or, with nobody holding or waiting, deletes everything but the average hold
   * time, which its alarm forgets after `REMEMBER_MS` of idleness.
   */
  private async tidy(now: number): Promise<void> {
    if (this.count('holders') === 0 && this.count('queue') === 0) {
      const averageHoldMs = this.setting('averageHoldMs')
      await this.ctx.storage.deleteAll()
      if (averageHoldMs === null) return this.ctx.storage.deleteAlarm()
      this.sql.exec(SETTINGS)
      this.setSetting('averageHoldMs', averageHoldMs)
      await this.ctx.storage.setAlarm(now + REMEMBER_MS)
      return
    }
    const untold = this.one('SELECT 1 FROM holders WHERE admitted = 0')
    if (untold) this.ctx.waitUntil(this.tell())
    const oldest = this.one('SELECT min(checked_at) AS at FROM holders WHERE admitted = 1')?.at
    const reconcileAt = oldest == null ? null : Number(oldest) + RECONCILE_MS
    const retryAt = untold ? now + ADMIT_RETRY_MS : null
    const next = [reconcileAt, retryAt].filter((at): at is number => at !== null)
    // waiting executions alone need no alarm: a release admits them
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.min(...next))
    else await this.ctx.storage.deleteAlarm()
  }
}
