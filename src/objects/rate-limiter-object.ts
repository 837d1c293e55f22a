/**
 * @module One Durable Object per (flow, rate-limit key): the times of the triggers it allowed within
 * the last period, a sliding window (at most `limit` in any `period`). Each allowed trigger is a row
 * until the period is over; the alarm deletes them then, and with them the whole storage once the
 * window is empty: an idle key costs nothing.
 */
import { DurableObject } from 'cloudflare:workers'
import { decideRate, type RateDecision } from '../core/admission'
import type { Env } from '../env'

declare module '../env' {
  interface Env {
    /** One per flow and rate-limit key, while triggers are counted in its window. */
    RATE_LIMITERS: DurableObjectNamespace<RateLimiterObject>
  }
}

export class RateLimiterObject extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql

  /** Counts one trigger if it fits in `limit` per `periodMs`; otherwise says when to try again. */
  async hit(limit: number, periodMs: number): Promise<RateDecision> {
    this.sql.exec('CREATE TABLE IF NOT EXISTS hits (at INTEGER NOT NULL)')
    const now = Date.now()
    this.sql.exec('DELETE FROM hits WHERE at <= ?', now - periodMs)
    // the newest `limit` are all the window can hold
    const recent = this.sql
      .exec('SELECT at FROM hits ORDER BY at DESC LIMIT ?', limit)
      .toArray()
      .map((row) => Number(row.at))
      .reverse()
    const decision = decideRate(recent, now, limit, periodMs)
    if (decision.allowed) {
      this.sql.exec('INSERT INTO hits (at) VALUES (?)', now)
      // the window empties one period after its newest trigger
      await this.ctx.storage.setAlarm(now + periodMs)
    } else if (recent.length === 0) await this.forget()
    return decision
  }

  override async alarm(): Promise<void> {
    await this.forget()
  }

  /** Nothing in the window any more: no rows, no alarm, no storage. */
  private async forget(): Promise<void> {
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
  }
}
