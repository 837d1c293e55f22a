/**
 * @module The execution object's tables before the two-table layout (layout.ts), as the migrations
 * of `drizzle/execution/` build them and `schema.sql` exports them: read once, when an object of
 * that layout loads and is rewritten. The tables both layouts share are re-exported for drizzle-kit.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { FlowDefinition } from '../../flow/schema'
import type { LogLevel } from '../../domain/log'
import type { Progress } from '../../core/state'
import type { SlotRef } from '../../core/admission'
import type { ExecutionError, ExecutionInput, ExecutionStatus, Mode, Output, Trigger } from '../../domain/types'
export { events, items, taskRuns } from './schema'

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>()

// Tables hold one row per object where that is all they need: no primary-key index, fewer pages.

/** What the execution was started with, written once (kept apart: the state row changes often). */
export const source = sqliteTable('source', {
  definition: json<FlowDefinition>('definition').notNull(),
  input: json<ExecutionInput>('input').notNull(),
  /** The concurrency slot the execution holds or waits for (null: its flow has no concurrency limit). */
  slot: json<SlotRef>('slot'),
})

/** The execution's state: one row. */
export const execution = sqliteTable('execution', {
  id: text('id').notNull(),
  /** Null for an ad-hoc run, which belongs to no stored flow. */
  flowId: text('flow_id'),
  revision: integer('revision').notNull(),
  mode: text('mode').$type<Mode>().notNull(),
  trigger: text('trigger').$type<Trigger>().notNull(),
  status: text('status').$type<ExecutionStatus>().notNull(),
  output: json<Output>('output'),
  error: json<ExecutionError>('error'),
  vars: json<Record<string, unknown>>('vars').notNull(),
  root: json<Progress>('root').notNull(),
  /** Where the flow's tasks start: 0, or past the tasks a replay reuses. */
  startPosition: integer('start_position').notNull(),
  paused: integer('paused', { mode: 'boolean' }).notNull(),
  nextRunId: integer('next_run_id').notNull(),
  version: integer('version').notNull(),
  indexedVersion: integer('indexed_version').notNull(),
  createdAt: integer('created_at').notNull(),
  startedAt: integer('started_at'),
  endedAt: integer('ended_at'),
  wakeAt: integer('wake_at'),
  replayOf: text('replay_of'),
  parentExecutionId: text('parent_execution_id'),
  parentTaskRunId: integer('parent_task_run_id'),
  depth: integer('depth').notNull(),
  fingerprint: text('fingerprint'),
  droppedLogs: integer('dropped_logs').notNull(),
  // added by a migration (ALTER TABLE … ADD): last, where the migration puts them
  /** The labels it carries (README, Labels). */
  labels: json<Record<string, string>>('labels').notNull().default({}),
  /** For an execution an `execution` trigger started: the ended execution it reacts to. */
  reactsTo: text('reacts_to'),
  /** How many reactions led to it (0: it reacts to nothing); bounded, so that no chain runs for ever. */
  reactionDepth: integer('reaction_depth').notNull().default(0),
})

/** Delays, back-offs and timeouts: one alarm is armed for the earliest. */
export const timers = sqliteTable('timers', {
  key: text('key').primaryKey(),
  dueAt: integer('due_at').notNull(),
})

export const logs = sqliteTable('logs', {
  id: integer('id').primaryKey(),
  at: integer('at').notNull(),
  level: text('level').$type<LogLevel>().notNull(),
  taskId: text('task_id'),
  taskRunId: integer('task_run_id'),
  message: text('message').notNull(),
  /** The attempt of the run the line was written in (null: none yet, or a line of the execution); last, as ALTER TABLE added it. */
  attempt: integer('attempt'),
})
