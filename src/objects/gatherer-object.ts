/**
 * @module One Durable Object per (flow, gathering key): the triggers a `debounce` or a `batch` holds
 * until their execution starts (docs/flows.md, Debounce and batching).
 *
 * Triggers of a key fall into the open window; each one is written down before the trigger is
 * answered (the output gate), so an accepted trigger survives any crash. The window's execution id
 * is drawn when it opens and kept with it, so a start retried after a crash finds the same execution
 * and nothing starts twice. When the window is due (core/gather.ts decides when) it is closed —
 * written down before any await, so that triggers arriving meanwhile open the next window — then its
 * execution is started from the latest revision of the flow, and the window is deleted once the
 * start answered. A start that fails is retried from the alarm; when nothing is held, the object
 * deletes its storage: an idle key costs nothing.
 */
import { DurableObject } from 'cloudflare:workers'
import { gatheredInput, keeping, overflows, startsAt, type Window } from '../core/gather'
import type { ExecutionInput } from '../domain/types'
import { toTaskError } from '../domain/errors'
import type { Env } from '../env'
import type { GatherPolicy } from '../flow/gather'
import { getFlow } from '../store/d1/flows'
import { launch } from './stubs'
import { namedExecutionId } from './placed-ids'
import type { Jurisdiction } from '../flow/placement'
import { log } from '../log'

/** After a start that failed, the alarm tries again this much later. */
export const RETRY_MS = 5_000

const SCHEMA = `
CREATE TABLE IF NOT EXISTS windows (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  policy TEXT NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  window INTEGER NOT NULL,
  trigger_id TEXT UNIQUE,
  input TEXT NOT NULL
);
`

/** A trigger to gather: its flow's policy, its input, and its own id when the caller named one (Idempotency-Key, webhook-id). */
export interface GatherRequest {
  flowId: string
  policy: GatherPolicy
  input: ExecutionInput
  triggerId: string | null
  /** The flow's: the execution a window starts is made there (absent: none). */
  jurisdiction?: Jurisdiction | undefined
}

/** What a gathered trigger is told: the execution it joined, how many triggers that holds, when it starts at the latest as known now. */
export interface GatherAnswer {
  executionId: string
  size: number
  startsAt: number
}

interface WindowRow extends Window {
  seq: number
  executionId: string
  flowId: string
  policy: GatherPolicy
  closed: boolean
}

declare module '../env' {
  interface Env {
    /** One per flow and gathering key, while a `debounce` or a `batch` holds triggers. */
    GATHERERS: DurableObjectNamespace<GathererObject>
  }
}

const windowOf = (row: Record<string, SqlStorageValue>): WindowRow => ({
  seq: Number(row.seq),
  executionId: String(row.execution_id),
  flowId: String(row.flow_id),
  policy: JSON.parse(String(row.policy)) as GatherPolicy,
  firstAt: Number(row.first_at),
  lastAt: Number(row.last_at),
  size: Number(row.size),
  bytes: Number(row.bytes),
  closed: row.closed === 1,
})

export class GathererObject extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql

  private windows(where = '1'): WindowRow[] {
    return this.sql.exec(`SELECT * FROM windows WHERE ${where} ORDER BY seq`).toArray().map(windowOf)
  }

  /** Gathers one trigger into the open window (opening one when none is); the same trigger id twice is gathered once. */
  async add(request: GatherRequest): Promise<GatherAnswer> {
    this.sql.exec(SCHEMA)
    const now = Date.now()
    const { policy } = request
    if (request.triggerId !== null) {
      const seen = this.sql.exec('SELECT window FROM items WHERE trigger_id = ?', request.triggerId).toArray()[0]
      const window = seen && this.windows(`seq = ${Number(seen.window)}`)[0]
      if (window) return this.answer(window)
    }
    const input = JSON.stringify(request.input)
    let open: WindowRow | null = this.windows('closed = 0')[0] ?? null
    if (open && overflows(policy, open, input.length)) {
      this.sql.exec('UPDATE windows SET closed = 1 WHERE seq = ?', open.seq)
      open = null
    }
    const kept = keeping(policy, open)
    const added = kept === 'drop' ? 0 : input.length
    if (open === null) {
      const executionId = namedExecutionId(this.env, crypto.randomUUID(), request.jurisdiction)
      const row = this.sql
        .exec(
          'INSERT INTO windows (execution_id, flow_id, policy, first_at, last_at, size, bytes) VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING *',
          executionId,
          request.flowId,
          JSON.stringify(policy),
          now,
          now,
          added,
        )
        .one()
      open = windowOf(row)
    } else {
      // the inputs a later one replaces are let go, their trigger ids kept
      if (kept === 'replace') this.sql.exec("UPDATE items SET input = 'null' WHERE window = ?", open.seq)
      const bytes = kept === 'replace' ? added : open.bytes + added
      // the latest revision to gather sets the policy
      open = windowOf(
        this.sql
          .exec(
            'UPDATE windows SET policy = ?, last_at = ?, size = size + 1, bytes = ? WHERE seq = ? RETURNING *',
            JSON.stringify(policy),
            now,
            bytes,
            open.seq,
          )
          .one(),
      )
    }
    // a dropped input still takes the trigger id: the same trigger again joins this window
    this.sql.exec(
      'INSERT INTO items (window, trigger_id, input) VALUES (?, ?, ?)',
      open.seq,
      request.triggerId,
      kept === 'drop' ? 'null' : input,
    )
    if (startsAt(policy, open) <= now) this.sql.exec('UPDATE windows SET closed = 1 WHERE seq = ?', open.seq)
    await this.arm()
    return this.answer(open)
  }

  private answer(window: WindowRow): GatherAnswer {
    return { executionId: window.executionId, size: window.size, startsAt: startsAt(window.policy, window) }
  }

  /** What the gatherer holds, for tests and operators (null: nothing). */
  async view(): Promise<{ windows: (Window & { executionId: string; closed: boolean })[] } | null> {
    if (!this.exists) return null
    return {
      windows: this.windows().map(({ executionId, closed, firstAt, lastAt, size, bytes }) => ({
        executionId,
        closed,
        firstAt,
        lastAt,
        size,
        bytes,
      })),
    }
  }

  private get exists(): boolean {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'windows'").toArray().length > 0
  }

  override async alarm(): Promise<void> {
    if (!this.exists) return this.ctx.storage.deleteAll()
    const now = Date.now()
    // closed before any await: triggers that come meanwhile open the next window
    for (const window of this.windows('closed = 0'))
      if (startsAt(window.policy, window) <= now)
        this.sql.exec('UPDATE windows SET closed = 1 WHERE seq = ?', window.seq)
    const retryAt: number[] = []
    for (const window of this.windows('closed = 1')) {
      const retry = await this.start(window)
      if (retry !== null) retryAt.push(retry)
    }
    await this.arm(retryAt)
  }

  /** Starts a closed window's execution; resolves with when to try again, or null once it is done with. */
  private async start(window: WindowRow): Promise<number | null> {
    const inputs = this.sql
      .exec("SELECT input FROM items WHERE window = ? AND input != 'null' ORDER BY seq", window.seq)
      .toArray()
      .map((row) => JSON.parse(String(row.input)) as ExecutionInput)
    const context = { flowId: window.flowId, executionId: window.executionId, triggers: window.size }
    try {
      const flow = await getFlow(this.env.DB, window.flowId)
      if (!flow?.enabled) {
        log.warn('a gathered window is dropped: its flow is disabled or deleted', context)
        return this.forget(window)
      }
      const input = gatheredInput(window.policy, inputs)
      const result = await launch(this.env, {
        executionId: window.executionId,
        flowId: flow.id,
        revision: flow.latestRevision,
        definition: flow.definition,
        trigger: input.metadata.trigger,
        input,
      })
      if (!result.ok && result.code === 'rejected') return Date.now() + (result.retryAfterMs ?? RETRY_MS)
      // any other refusal would refuse it again: it is logged, not retried for ever
      if (!result.ok) log.error(`a gathered window could not start: ${result.code}: ${result.message}`, context)
      return this.forget(window)
    } catch (error) {
      log.error(`a gathered window could not start; retrying: ${toTaskError(error).message}`, context, error)
      return Date.now() + RETRY_MS
    }
  }

  private forget(window: WindowRow): null {
    this.sql.exec('DELETE FROM items WHERE window = ?', window.seq)
    this.sql.exec('DELETE FROM windows WHERE seq = ?', window.seq)
    return null
  }

  /** Arms the alarm for the next window due (a closed one now), or deletes everything when nothing is held. */
  private async arm(retryAt: readonly number[] = []): Promise<void> {
    const windows = this.windows()
    if (windows.length === 0) {
      await this.ctx.storage.deleteAlarm()
      await this.ctx.storage.deleteAll()
      return
    }
    const now = Date.now()
    const due = windows.filter((window) => !window.closed).map((window) => startsAt(window.policy, window))
    // closed windows not retried later are started at once
    const closedNow = windows.some((window) => window.closed) && retryAt.length === 0 ? [now] : []
    await this.ctx.storage.setAlarm(Math.min(...due, ...retryAt, ...closedNow))
  }
}
