/** @module Reads and writes of the execution object's SQLite storage (Drizzle). */
import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm'
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../../drizzle/execution/migrations'
import type { ExecState, RunState } from '../state'
import type { ExecutionStatus, Mode, TaskRunStatus, Trigger } from '../types'
import { events, execution, type ExecutionRow, items, logs, taskRuns, type TaskRunRow, timers } from './schema'

export type LogLine = Omit<typeof logs.$inferInsert, 'id'>

const ACTIVE: TaskRunStatus[] = ['pending', 'running', 'delayed', 'waiting']

/** Columns of the execution row that belong to the engine's state. */
export function execFromRow(row: ExecutionRow): ExecState {
  return {
    id: row.id,
    flowId: row.flowId,
    revision: row.revision,
    mode: row.mode as Mode,
    trigger: row.trigger as Trigger,
    status: row.status as ExecutionStatus,
    output: row.output,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    wakeAt: row.wakeAt,
    root: row.root,
    paused: row.paused,
    nextRunId: row.nextRunId,
    version: row.version,
  }
}

export const runFromRow = (row: TaskRunRow): RunState => ({ ...row, status: row.status as TaskRunStatus })

export class ExecutionStore {
  readonly db: DrizzleSqliteDODatabase

  constructor(private readonly storage: DurableObjectStorage) {
    this.db = drizzle(storage)
  }

  /** Whether this object holds an execution; reading does not create storage. */
  exists(): boolean {
    return this.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'execution'").toArray().length > 0
  }

  /** Runs `write` as one transaction. */
  transaction(write: () => void): void {
    this.storage.transactionSync(write)
  }

  migrate(): Promise<void> {
    return migrate(this.db, migrations)
  }

  insertExecution(row: ExecutionRow): void {
    this.db.insert(execution).values(row).run()
  }

  execution(): ExecutionRow | undefined {
    return this.db.select().from(execution).get()
  }

  saveExecution(state: ExecState, extra: Partial<ExecutionRow> = {}): void {
    const { id, ...fields } = state
    this.db.update(execution).set({ ...fields, ...extra }).where(eq(execution.id, id)).run()
  }

  updateExecution(patch: Partial<ExecutionRow>): void {
    this.db.update(execution).set(patch).run()
  }

  saveRun(run: RunState): void {
    this.db.insert(taskRuns).values(run).onConflictDoUpdate({ target: taskRuns.id, set: run }).run()
  }

  activeRuns(): RunState[] {
    return this.db.select().from(taskRuns).where(inArray(taskRuns.status, ACTIVE)).orderBy(asc(taskRuns.id)).all().map(runFromRow)
  }

  /** Outputs visible in a scope: task id → output of its latest ended run there. */
  outputs(scope: string | null): Record<string, unknown> {
    const rows = this.db
      .select({ taskId: taskRuns.taskId, output: taskRuns.output })
      .from(taskRuns)
      .where(and(scope === null ? isNull(taskRuns.scope) : eq(taskRuns.scope, scope), inArray(taskRuns.status, ['completed', 'warning'])))
      .orderBy(asc(taskRuns.id))
      .all()
    return Object.fromEntries(rows.map((row) => [row.taskId, row.output]))
  }

  /** The last output of every iteration of a foreach, in item order. */
  iterationOutputs(foreachRunId: number, lastPosition: number): unknown[] {
    return this.db
      .select({ output: taskRuns.output })
      .from(taskRuns)
      .where(and(eq(taskRuns.parentId, foreachRunId), eq(taskRuns.position, lastPosition)))
      .orderBy(asc(taskRuns.iteration))
      .all()
      .map((row) => row.output)
  }

  run(id: number): RunState | undefined {
    const row = this.db.select().from(taskRuns).where(eq(taskRuns.id, id)).get()
    return row && runFromRow(row)
  }

  /** Task runs in start order, `limit` at a time after run `afterId`. */
  runs(afterId: number, limit: number): RunState[] {
    return this.db.select().from(taskRuns).where(gt(taskRuns.id, afterId)).orderBy(asc(taskRuns.id)).limit(limit).all().map(runFromRow)
  }

  countRuns(): number {
    return this.db.select({ count: sql<number>`count(*)` }).from(taskRuns).get()?.count ?? 0
  }

  setTimer(key: string, dueAt: number): void {
    this.db.insert(timers).values({ key, dueAt }).onConflictDoUpdate({ target: timers.key, set: { dueAt } }).run()
  }

  deleteTimer(key: string): void {
    this.db.delete(timers).where(eq(timers.key, key)).run()
  }

  dueTimers(now: number): { key: string; dueAt: number }[] {
    return this.db.select().from(timers).where(lte(timers.dueAt, now)).orderBy(asc(timers.dueAt)).all()
  }

  allTimers(): { key: string; dueAt: number }[] {
    return this.db.select().from(timers).all()
  }

  appendLogs(lines: LogLine[]): void {
    for (let start = 0; start < lines.length; start += 15) {
      this.db.insert(logs).values(lines.slice(start, start + 15)).run()
    }
  }

  logs(filter: { afterId: number; limit: number; taskId?: string | undefined; levels?: string[] | undefined }) {
    return this.db
      .select()
      .from(logs)
      .where(
        and(
          gt(logs.id, filter.afterId),
          filter.taskId === undefined ? undefined : eq(logs.taskId, filter.taskId),
          filter.levels === undefined ? undefined : inArray(logs.level, filter.levels),
        ),
      )
      .orderBy(asc(logs.id))
      .limit(filter.limit)
      .all()
  }

  countLogs(): number {
    return this.db.select({ count: sql<number>`count(*)` }).from(logs).get()?.count ?? 0
  }

  addEvent(name: string, payload: unknown, receivedAt: number): number {
    return this.db.insert(events).values({ name, payload, receivedAt }).returning({ id: events.id }).get().id
  }

  /** The oldest event of that name not consumed yet. */
  pendingEvent(name: string): { id: number; payload: unknown } | undefined {
    return this.db
      .select({ id: events.id, payload: events.payload })
      .from(events)
      .where(and(eq(events.name, name), isNull(events.consumedBy)))
      .orderBy(asc(events.id))
      .get()
  }

  consumeEvent(id: number, runId: number): void {
    this.db.update(events).set({ consumedBy: runId }).where(eq(events.id, id)).run()
  }

  saveItems(runId: number, values: unknown[]): void {
    this.db.insert(items).values({ runId, items: values }).onConflictDoUpdate({ target: items.runId, set: { items: values } }).run()
  }

  items(runId: number): unknown[] {
    return this.db.select().from(items).where(eq(items.runId, runId)).get()?.items ?? []
  }

  setRunOutput(id: number, output: unknown): void {
    this.db.update(taskRuns).set({ output }).where(eq(taskRuns.id, id)).run()
  }

  /** Sums of every task run's metrics, by name. */
  metricTotals(): Record<string, number> {
    const rows = this.storage.sql
      .exec<{ name: string; total: number }>(
        "SELECT json_extract(m.value, '$.name') AS name, sum(json_extract(m.value, '$.value')) AS total FROM task_runs, json_each(task_runs.metrics) AS m GROUP BY 1",
      )
      .toArray()
    return Object.fromEntries(rows.map((row) => [row.name, row.total]))
  }
}
