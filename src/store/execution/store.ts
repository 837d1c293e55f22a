/**
 * @module Reads and writes of the execution object's SQLite storage (Drizzle). The statements every
 * execution runs — its start, each flush, its task runs read back — are SQL text made once per
 * isolate (hot-sql.ts, task-run-rows.ts).
 */
import { and, asc, eq, gt, inArray, isNotNull, isNull, notInArray, sql } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import type { ExecState, RunState } from '../../core/state'
import { ACTIVE_RUN } from '../../core/transitions'
import { ERRORS_LANE, FINALLY_LANE } from '../../core/handlers'
import type { ExecutionStatus, Metric, Mode, TaskRunStatus, Trigger } from '../../domain/types'
import type { LogLevel } from '../../domain/log'
import { parseTimerKey } from './timer-keys'
import type { Timer } from '../../core/timers'
import { LAYOUT, LAYOUT_VERSION, LAZY_TABLES, type LazyTable } from './layout'
import { isLegacy, rewriteLegacy } from './legacy'
import { HOT_SQL } from './hot-sql'
import { RUN_ROWS } from './task-run-rows'
import {
  events,
  type ExecutionRow,
  type ExecutionSource,
  type ExecutionState,
  items,
  KEY,
  keyed,
  type LogLine,
  taskRuns,
  type TaskRunRow,
} from './schema'

/** A named error: an object whose layout is newer than this code knows (a rollback of the Worker). */
export class UnknownLayout extends Error {
  readonly type = 'unknown_layout'
}

export type { LogLine }

/** A log line's fields, in the order of the JSON array the keyed table keeps it as (an object's names would double its size). */
const LOG_FIELDS = [
  'at',
  'level',
  'taskId',
  'taskRunId',
  'message',
  'attempt',
] as const satisfies readonly (keyof LogLine)[]

/** A field of a log line kept in the keyed table. */
const logField = (name: keyof LogLine) => sql`${keyed.value} ->> ${`$[${LOG_FIELDS.indexOf(name)}]`}`

const logLine = (values: unknown[]) =>
  Object.fromEntries(LOG_FIELDS.map((name, at) => [name, values[at] ?? null])) as unknown as LogLine

/** SQLite's lower() folds ASCII letters only: the text searched for is folded the same way. */
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase())

/** Which log lines to read: after a line id, at most `limit`, of a task, a run, some levels, holding a text. */
export interface LogFilter {
  afterId: number
  limit: number
  taskId?: string | undefined
  taskRunId?: number | undefined
  levels?: LogLevel[] | undefined
  /** Case-insensitive (ASCII letters) text the message contains. */
  text?: string | undefined
}

/** How many task runs of a task are in a status, and when the first started and the last ended. */
export interface RunTotal {
  taskId: string
  status: TaskRunStatus
  count: number
  firstStartedAt: number | null
  lastEndedAt: number | null
}

const ACTIVE = [...ACTIVE_RUN]

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
  /** Whether the object holds an execution, once known (`exists`). */
  private holds: boolean | undefined

  constructor(private readonly storage: DurableObjectStorage) {
    this.db = drizzle(storage)
  }

  /**
   * Whether this object holds an execution (in either layout); reading does not create storage.
   * Known once asked: only this store creates (`ensureSchema`) or deletes (`erase`) it.
   */
  exists(): boolean {
    this.holds ??= this.hasTable('execution')
    return this.holds
  }

  /** Deletes all of the object's storage, its alarm included. */
  async erase(): Promise<void> {
    // since compatibility date 2026-02-24 deleteAll also drops the alarm, in one step; deleteAlarm
    // first says so for any date, and leaves no alarm metadata behind
    await this.storage.deleteAlarm()
    await this.storage.deleteAll()
    this.holds = false
  }

  private hasTable(name: string): boolean {
    return (
      this.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0
    )
  }

  /** Runs `write` as one transaction. */
  transaction(write: () => void): void {
    this.storage.transactionSync(write)
  }

  /**
   * Makes an existing object's storage readable by this code: an object of the layout before
   * (layout.ts) is rewritten once, in one transaction; a layout newer than this code is refused.
   */
  async open(): Promise<void> {
    if (isLegacy(this.storage)) return rewriteLegacy(this.storage, this.db)
    const version = this.value<number>(KEY.layout)
    if (version !== LAYOUT_VERSION)
      throw new UnknownLayout(`storage layout ${String(version)} is not known to this code`)
  }

  /** Gives a new object its layout (one batch, in one transaction), or opens an existing one. */
  async ensureSchema(): Promise<void> {
    if (this.exists()) return this.open()
    this.storage.transactionSync(() => this.storage.sql.exec(LAYOUT))
    this.holds = true
  }

  /** The value of a row of the keyed table (undefined: no such row). */
  private value<T>(key: number): T | undefined {
    const [row] = this.storage.sql.exec<{ value: string }>(HOT_SQL.value, key).toArray()
    return row && (JSON.parse(row.value) as T)
  }

  private put(key: number, value: unknown): void {
    this.storage.sql.exec(HOT_SQL.put, key, JSON.stringify(value))
  }

  private remove(key: number): void {
    this.storage.sql.exec(HOT_SQL.remove, key)
  }

  insertExecution(row: ExecutionRow): void {
    const { definition, input, slot, ...state } = row
    const source: ExecutionSource = { definition, input, slot }
    this.storage.sql.exec(HOT_SQL.insertExecution, JSON.stringify(state), JSON.stringify(source))
  }

  execution(): ExecutionRow | undefined {
    const rows = this.storage.sql.exec<{ key: number; value: string }>(HOT_SQL.execution).toArray()
    const value = <T>(key: number) => {
      const text = rows.find((row) => row.key === key)?.value
      return text === undefined ? undefined : (JSON.parse(text) as T)
    }
    const state = value<ExecutionState>(KEY.state)
    const source = value<ExecutionSource>(KEY.source)
    return state && source && { ...state, ...source }
  }

  /** Writes the whole state row. */
  saveExecution(row: ExecutionRow): void {
    const { definition: _definition, input: _input, slot: _slot, ...state } = row
    this.storage.sql.exec(HOT_SQL.saveState, JSON.stringify(state))
  }

  /** Records the index version the queue accepted (a version that only grows). */
  saveIndexedVersion(version: number): void {
    this.storage.sql.exec(HOT_SQL.indexedVersion, version)
  }

  /** Every timer, as the store keys them (timer-keys.ts) → when it is due: written whole when one changes. */
  saveTimers(timers: Readonly<Record<string, number>>): void {
    if (Object.keys(timers).length === 0) this.remove(KEY.timers)
    else this.put(KEY.timers, timers)
  }

  allTimers(): { timer: Timer; dueAt: number }[] {
    const timers = this.value<Record<string, number>>(KEY.timers) ?? {}
    return Object.entries(timers).map(([key, dueAt]) => ({ timer: parseTimerKey(key), dueAt }))
  }

  /** The wake ledger's count (runtime/wake-ledger.ts): wakes that began and did not finish. */
  unfinishedWakes(): number {
    return this.value<number>(KEY.unfinishedWakes) ?? 0
  }

  setUnfinishedWakes(count: number): void {
    // a wake may end after its execution was deleted (storage and all): nothing is left to cross out
    if (count === 0) {
      if (this.exists()) this.remove(KEY.unfinishedWakes)
    } else this.put(KEY.unfinishedWakes, count)
  }

  /** Creates a table of those made by their first write, if it is not there yet. */
  private create(table: LazyTable): void {
    this.storage.sql.exec(LAZY_TABLES[table])
  }

  saveRuns(runs: readonly RunState[]): void {
    if (runs.length > 0) this.storage.sql.exec(RUN_ROWS.upsert, JSON.stringify(runs.map(RUN_ROWS.values)))
  }

  activeRuns(): RunState[] {
    return this.db
      .select()
      .from(taskRuns)
      .where(inArray(taskRuns.status, ACTIVE))
      .orderBy(asc(taskRuns.id))
      .all()
      .map(runFromRow)
  }

  /** Outputs visible in a scope: task id → output of its latest ended run there. */
  outputs(scope: string | null): Record<string, unknown> {
    const rows = this.db
      .select({ taskId: taskRuns.taskId, output: taskRuns.output })
      .from(taskRuns)
      .where(
        and(
          scope === null ? isNull(taskRuns.scope) : eq(taskRuns.scope, scope),
          inArray(taskRuns.status, ['completed', 'warning']),
        ),
      )
      .orderBy(asc(taskRuns.id))
      .all()
    return Object.fromEntries(rows.map((row) => [row.taskId, row.output]))
  }

  /** The last output of every iteration of a foreach, in item order. */
  iterationOutputs(foreachRunId: number, lastPosition: number): unknown[] {
    return this.db
      .select({ output: taskRuns.output })
      .from(taskRuns)
      .where(
        and(
          eq(taskRuns.parentId, foreachRunId),
          eq(taskRuns.position, lastPosition),
          // the foreach's own errors and finally are no iteration
          notInArray(taskRuns.lane, [ERRORS_LANE, FINALLY_LANE]),
        ),
      )
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
    const rows = this.storage.sql.exec(`${RUN_ROWS.select} WHERE id > ? ORDER BY id LIMIT ?`, afterId, limit).raw()
    return Array.from(rows, (values) => RUN_ROWS.run(values))
  }

  countRuns(): number {
    return this.count(taskRuns)
  }

  /** Task runs after run `afterId`, counted by task and status, with the span of their times. */
  runTotals(afterId: number): RunTotal[] {
    return this.db
      .select({
        taskId: taskRuns.taskId,
        status: taskRuns.status,
        count: sql<number>`count(*)`,
        firstStartedAt: sql<number | null>`min(${taskRuns.startedAt})`,
        lastEndedAt: sql<number | null>`max(${taskRuns.endedAt})`,
      })
      .from(taskRuns)
      .where(gt(taskRuns.id, afterId))
      .groupBy(taskRuns.taskId, taskRuns.status)
      .all()
  }

  /** The child executions of task runs that were killed (a kill tells them to stop). */
  childrenOfKilledRuns(): string[] {
    return this.db
      .select({ child: taskRuns.childExecutionId })
      .from(taskRuns)
      .where(and(eq(taskRuns.status, 'killed'), isNotNull(taskRuns.childExecutionId)))
      .all()
      .map((row) => row.child as string)
  }

  /** Appends log lines to the keyed table, numbered on from the last (one statement). */
  appendLogs(lines: readonly LogLine[]): void {
    if (lines.length === 0) return
    const values = lines.map((line) => LOG_FIELDS.map((name) => line[name] ?? null))
    this.storage.sql.exec(HOT_SQL.appendLogs, JSON.stringify(values))
  }

  logs(filter: LogFilter): (LogLine & { id: number })[] {
    return this.db
      .select()
      .from(keyed)
      .where(
        and(
          gt(keyed.key, KEY.logs + filter.afterId),
          filter.taskId === undefined ? undefined : eq(logField('taskId'), filter.taskId),
          filter.taskRunId === undefined ? undefined : eq(logField('taskRunId'), filter.taskRunId),
          // instr, not LIKE: the text is matched as written, % and _ included
          filter.text === undefined
            ? undefined
            : sql`instr(lower(${logField('message')}), ${asciiLower(filter.text)}) > 0`,
          filter.levels === undefined ? undefined : inArray(logField('level'), filter.levels),
        ),
      )
      .orderBy(asc(keyed.key))
      .limit(filter.limit)
      .all()
      .map((row) => ({ id: row.key - KEY.logs, ...logLine(row.value as unknown[]) }))
  }

  countLogs(): number {
    return (
      this.db
        .select({ count: sql<number>`count(*)` })
        .from(keyed)
        .where(gt(keyed.key, KEY.logs))
        .get()?.count ?? 0
    )
  }

  /** Keeps an event for a `wait` task the execution has not reached yet. */
  keepEvent(name: string, payload: unknown, receivedAt: number): void {
    this.create('events')
    this.db.insert(events).values({ name, payload, receivedAt }).run()
  }

  countKeptEvents(): number {
    return this.hasTable('events') ? this.count(events) : 0
  }

  /** Removes and returns the oldest kept event of that name. */
  takeEvent(name: string): { payload: unknown } | undefined {
    if (!this.hasTable('events')) return undefined
    const kept = this.db
      .select({ id: events.id, payload: events.payload })
      .from(events)
      .where(eq(events.name, name))
      .orderBy(asc(events.id))
      .get()
    if (kept) this.db.delete(events).where(eq(events.id, kept.id)).run()
    return kept
  }

  private count(table: SQLiteTable): number {
    return (
      this.db
        .select({ count: sql<number>`count(*)` })
        .from(table)
        .get()?.count ?? 0
    )
  }

  saveItems(runId: number, values: unknown[]): void {
    this.create('items')
    this.db
      .insert(items)
      .values({ runId, items: values })
      .onConflictDoUpdate({ target: items.runId, set: { items: values } })
      .run()
  }

  items(runId: number): unknown[] {
    if (!this.hasTable('items')) return []
    return this.db.select().from(items).where(eq(items.runId, runId)).get()?.items ?? []
  }

  /** Every task run's metrics summed by name (and type). */
  metricSums(): Metric[] {
    return this.storage.sql
      .exec<Metric>(
        "SELECT json_extract(m.value, '$.name') AS name, json_extract(m.value, '$.type') AS type, sum(json_extract(m.value, '$.value')) AS value FROM task_runs, json_each(task_runs.metrics) AS m GROUP BY 1, 2",
      )
      .toArray()
  }
}
