/**
 * @module Reads and writes of the execution object's SQLite storage (Drizzle). The writes every
 * task run makes (its row, its log lines, the execution's state) are prepared once per object.
 */
import {
  and,
  asc,
  eq,
  getTableColumns,
  getTableName,
  gt,
  inArray,
  isNotNull,
  isNull,
  notInArray,
  sql,
} from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../../drizzle/execution/migrations'
import { freshSchema } from './fresh-schema'

const FRESH_SCHEMA = freshSchema(migrations.journal.entries)
import type { ExecState, RunState } from '../../core/state'
import { ACTIVE_RUN } from '../../core/transitions'
import { ERRORS_LANE, FINALLY_LANE } from '../../core/handlers'
import type { ExecutionStatus, Metric, Mode, TaskRunStatus, Trigger } from '../../domain/types'
import type { LogLevel } from '../../domain/log'
import { parseTimerKey, timerKey } from './timer-keys'
import type { Timer } from '../../core/timers'
import { events, execution, type ExecutionRow, items, logs, source, taskRuns, type TaskRunRow, timers } from './schema'

export type LogLine = Omit<typeof logs.$inferInsert, 'id'>

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

/**
 * `INSERT … SELECT … FROM json_each(?)`: writes any number of rows, given as one JSON array, in one
 * statement (an upsert on `key` when given). JSON columns keep their JSON text (`->`), others their
 * SQL value (`->>`).
 */
function bulkInsert(table: SQLiteTable, key?: string) {
  const columns = Object.entries(getTableColumns(table)).filter(([property]) => property !== 'id' || key === 'id')
  const names = columns.map(([, column]) => column.name)
  const values = columns.map(
    ([property, column]) => `value ${column.columnType === 'SQLiteTextJson' ? '->' : '->>'} '$.${property}'`,
  )
  const upsert = key
    ? ` ON CONFLICT(${key}) DO UPDATE SET ${names
        .filter((name) => name !== key)
        .map((name) => `${name} = excluded.${name}`)
        .join(', ')}`
    : ''
  const head = sql.raw(
    `INSERT INTO ${getTableName(table)} (${names.join(', ')}) SELECT ${values.join(', ')} FROM json_each(`,
  )
  const tail = sql.raw(`) WHERE true${upsert}`)
  return (rows: readonly object[]) => sql`${head}${JSON.stringify(rows)}${tail}`
}

const upsertRuns = bulkInsert(taskRuns, 'id')
const insertLogs = bulkInsert(logs)

/** Placeholders for every column of a table (prepared statements bind them by name). */
const placeholders = <T extends Record<string, unknown>>(columns: T) =>
  Object.fromEntries(Object.keys(columns).map((name) => [name, sql.placeholder(name)])) as {
    [K in keyof T]: ReturnType<typeof sql.placeholder>
  }

const STATE_COLUMNS = (() => {
  const { id: _id, ...columns } = getTableColumns(execution)
  return columns
})()

export class ExecutionStore {
  readonly db: DrizzleSqliteDODatabase
  private prepared?: ReturnType<ExecutionStore['prepare']>

  constructor(private readonly storage: DurableObjectStorage) {
    this.db = drizzle(storage)
  }

  /** Whether this object holds an execution; reading does not create storage. */
  exists(): boolean {
    return (
      this.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'execution'").toArray()
        .length > 0
    )
  }

  /** Runs `write` as one transaction. */
  transaction(write: () => void): void {
    this.storage.transactionSync(write)
  }

  migrate(): Promise<void> {
    return migrate(this.db, migrations)
  }

  /**
   * Gives a new object its schema — the current one in a single statement batch, recorded as
   * migrated so the migrator finds nothing to do — or brings an existing schema up to date.
   */
  async ensureSchema(): Promise<void> {
    if (this.exists()) return this.migrate()
    this.storage.transactionSync(() => this.storage.sql.exec(FRESH_SCHEMA))
  }

  private prepare() {
    return {
      // drizzle binds update placeholders through each column's encoder, though its types only allow values
      saveState: this.db
        .update(execution)
        .set(placeholders(STATE_COLUMNS) as unknown as Partial<typeof execution.$inferInsert>)
        .prepare(),
    }
  }

  private get statements() {
    this.prepared ??= this.prepare()
    return this.prepared
  }

  insertExecution(row: ExecutionRow): void {
    const { definition, input, slot, ...state } = row
    this.db.insert(source).values({ definition, input, slot }).run()
    this.db.insert(execution).values(state).run()
  }

  execution(): ExecutionRow | undefined {
    const state = this.db.select().from(execution).get()
    const started = this.db.select().from(source).get()
    return state && started && { ...state, ...started }
  }

  /** Writes the whole state row (every column but the id). */
  saveExecution(row: Omit<ExecutionRow, 'definition' | 'input'>): void {
    const values: Record<string, unknown> = {}
    for (const name of Object.keys(STATE_COLUMNS)) values[name] = row[name as keyof typeof row]
    this.statements.saveState.run(values)
  }

  updateExecution(patch: Partial<Omit<ExecutionRow, 'definition' | 'input'>>): void {
    this.db.update(execution).set(patch).run()
  }

  saveRuns(runs: readonly RunState[]): void {
    if (runs.length > 0) this.db.run(upsertRuns(runs))
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
    return this.db
      .select()
      .from(taskRuns)
      .where(gt(taskRuns.id, afterId))
      .orderBy(asc(taskRuns.id))
      .limit(limit)
      .all()
      .map(runFromRow)
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

  setTimer(timer: Timer, dueAt: number): void {
    const key = timerKey(timer)
    this.db.insert(timers).values({ key, dueAt }).onConflictDoUpdate({ target: timers.key, set: { dueAt } }).run()
  }

  deleteTimer(timer: Timer): void {
    this.db
      .delete(timers)
      .where(eq(timers.key, timerKey(timer)))
      .run()
  }

  allTimers(): { timer: Timer; dueAt: number }[] {
    return this.db
      .select()
      .from(timers)
      .all()
      .map((row) => ({ timer: parseTimerKey(row.key), dueAt: row.dueAt }))
  }

  appendLogs(lines: readonly LogLine[]): void {
    if (lines.length > 0) this.db.run(insertLogs(lines))
  }

  logs(filter: LogFilter) {
    return this.db
      .select()
      .from(logs)
      .where(
        and(
          gt(logs.id, filter.afterId),
          filter.taskId === undefined ? undefined : eq(logs.taskId, filter.taskId),
          filter.taskRunId === undefined ? undefined : eq(logs.taskRunId, filter.taskRunId),
          // instr, not LIKE: the text is matched as written, % and _ included
          filter.text === undefined ? undefined : sql`instr(lower(${logs.message}), ${asciiLower(filter.text)}) > 0`,
          filter.levels === undefined ? undefined : inArray(logs.level, filter.levels),
        ),
      )
      .orderBy(asc(logs.id))
      .limit(filter.limit)
      .all()
  }

  countLogs(): number {
    return this.count(logs)
  }

  /** Keeps an event for a `wait` task the execution has not reached yet. */
  keepEvent(name: string, payload: unknown, receivedAt: number): void {
    this.db.insert(events).values({ name, payload, receivedAt }).run()
  }

  countKeptEvents(): number {
    return this.count(events)
  }

  /** Removes and returns the oldest kept event of that name. */
  takeEvent(name: string): { payload: unknown } | undefined {
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
    this.db
      .insert(items)
      .values({ runId, items: values })
      .onConflictDoUpdate({ target: items.runId, set: { items: values } })
      .run()
  }

  items(runId: number): unknown[] {
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
