/**
 * @module The execution object's own SQLite tables (drizzle-orm/durable-sqlite), as laid out by
 * `layout.ts`: one keyed table for the execution's state, its source, its timers, the layout's
 * version, the wake ledger and the log lines; its task runs; and the tables created on their first
 * write (kept events, foreach items).
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { FlowDefinition } from '../../flow/schema'
import type { ExecState, Progress } from '../../core/state'
import type { SlotRef } from '../../core/admission'
import type { Attempt, ExecutionInput, Metric, TaskError, TaskRunStatus } from '../../domain/types'
import type { LogLevel } from '../../domain/log'

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>()

/** The rows of the keyed table: one value (JSON) each. */
export const KEY = {
  /** The layout's version (`LAYOUT_VERSION`). */
  layout: 1,
  /** The execution's state (`ExecutionState`), rewritten by each turn that changes it. */
  state: 2,
  /** What it was started with (`ExecutionSource`), written once. */
  source: 3,
  /** Every timer: its storage key (timer-keys.ts) → when it is due. */
  timers: 4,
  /** Wakes that began and did not finish (runtime/wake-ledger.ts); absent: none. */
  unfinishedWakes: 5,
  /** Log line `id` is kept under `logs + id`: every key above this one is a line, in the order written. */
  logs: 2 ** 32,
} as const

/**
 * One keyed table, one b-tree: an integer key (SQLite's rowid, so no index beside it) and a JSON
 * value. A rowid table keeps a row of up to ~4 KB in its leaf page, where a table keyed by text
 * WITHOUT ROWID would move anything past ~1 KB (a flow's source) to an overflow page.
 */
export const keyed = sqliteTable('execution', {
  key: integer('key').primaryKey(),
  value: json<unknown>('value').notNull(),
})

/** What the execution was started with, written once (kept apart: the state row changes often). */
export interface ExecutionSource {
  definition: FlowDefinition
  input: ExecutionInput
  /** The concurrency slot the execution holds or waits for (null: its flow has no concurrency limit). */
  slot: SlotRef | null
}

/** The execution's state: the engine's (core/state.ts) and what the shell keeps beside it. */
export interface ExecutionState extends ExecState {
  vars: Record<string, unknown>
  /** Where the flow's tasks start: 0, or past the tasks a replay reuses. */
  startPosition: number
  /** The latest version the index queue accepted. */
  indexedVersion: number
  replayOf: string | null
  parentExecutionId: string | null
  parentTaskRunId: number | null
  depth: number
  fingerprint: string | null
  droppedLogs: number
  /** The labels it carries (README, Labels). */
  labels: Record<string, string>
  /** For an execution an `execution` trigger started: the ended execution it reacts to. */
  reactsTo: string | null
  /** How many reactions led to it (0: it reacts to nothing); bounded, so that no chain runs for ever. */
  reactionDepth: number
}

/** The execution as the engine reads it: its state and its source. */
export type ExecutionRow = ExecutionState & ExecutionSource

export const taskRuns = sqliteTable('task_runs', {
  id: integer('id').primaryKey(),
  taskId: text('task_id').notNull(),
  type: text('type').notNull(),
  status: text('status').$type<TaskRunStatus>().notNull(),
  parentId: integer('parent_id'),
  lane: text('lane').notNull(),
  position: integer('position').notNull(),
  iteration: integer('iteration'),
  scope: text('scope'),
  attempts: json<Attempt[]>('attempts').notNull(),
  output: json<unknown>('output'),
  error: json<TaskError>('error'),
  metrics: json<Metric[]>('metrics').notNull(),
  progress: json<Progress>('progress'),
  startedAt: integer('started_at'),
  endedAt: integer('ended_at'),
  wakeAt: integer('wake_at'),
  childExecutionId: text('child_execution_id'),
  wait: json<{ event: string; onTimeout: 'fail' | 'continue' }>('wait'),
  reused: integer('reused', { mode: 'boolean' }).notNull(),
})

export type TaskRunRow = typeof taskRuns.$inferSelect

/** A log line, kept in the keyed table under `KEY.logs + id` (its id counts from 1), as a JSON array (store.ts). */
export interface LogLine {
  at: number
  level: LogLevel
  taskId: string | null
  taskRunId: number | null
  message: string
  /** The attempt of the run the line was written in (null: none yet, or a line of the execution). */
  attempt: number | null
}

/** Events that came before their `wait` task was reached; taken (deleted) when it is. */
export const events = sqliteTable('events', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  payload: json<unknown>('payload'),
  receivedAt: integer('received_at').notNull(),
})

/** The items of a foreach, written once (its run row changes with every iteration). */
export const items = sqliteTable('items', {
  runId: integer('run_id').primaryKey(),
  items: json<unknown[]>('items').notNull(),
})
