/** @module The D1 index (Drizzle): flows, their immutable revisions and stored tests, execution summaries, and signed-out sessions. */
import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { FlowDefinition } from '../../flow/schema'
import { ExecutionStatus, type Mode, type Trigger } from '../../domain/types'
import { FINAL_EXECUTION } from '../../core/transitions'

export const flows = sqliteTable(
  'flows',
  {
    id: text('id').primaryKey(),
    latestRevision: integer('latest_revision').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    nextScheduledAt: integer('next_scheduled_at'),
    /** Its latest revision has an `execution` trigger: the index consumer reads these flows (store/d1/watchers.ts). */
    watchesExecutions: integer('watches_executions', { mode: 'boolean' }).notNull().default(false),
    /** Its latest revision has a `queue` trigger: the Worker's queue() handler reads these flows (store/d1/subscribers.ts). */
    consumesQueues: integer('consumes_queues', { mode: 'boolean' }).notNull().default(false),
    /** Its latest revision has an `email` trigger: the Worker's email() handler reads these flows. */
    receivesEmail: integer('receives_email', { mode: 'boolean' }).notNull().default(false),
  },
  (table) => [
    index('flows_watching')
      .on(table.id)
      .where(sql`watches_executions = 1`),
    index('flows_consuming')
      .on(table.id)
      .where(sql`consumes_queues = 1`),
    index('flows_receiving')
      .on(table.id)
      .where(sql`receives_email = 1`),
  ],
)

export const flowRevisions = sqliteTable(
  'flow_revisions',
  {
    flowId: text('flow_id').notNull(),
    revision: integer('revision').notNull(),
    hash: text('hash').notNull(),
    definition: text('definition', { mode: 'json' }).$type<FlowDefinition>().notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.flowId, table.revision] })],
)

/**
 * The test cases stored with a flow (docs/testing-flows.md, Tests stored with a flow): one list per
 * flow, as it was sent (validated), run against the flow's latest revision.
 */
export const flowTests = sqliteTable('flow_tests', {
  flowId: text('flow_id').primaryKey(),
  cases: text('cases', { mode: 'json' }).$type<unknown[]>().notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** The statuses of an execution that has not ended: the rows the index sweep checks (index-sweep.ts). */
export const UNSETTLED = ExecutionStatus.options.filter((status) => !FINAL_EXECUTION.has(status))

/** The condition of the partial index the sweep reads, in the very words its query uses. */
export const UNSETTLED_CONDITION = `status IN (${UNSETTLED.map((status) => `'${status}'`).join(', ')})`

export const executions = sqliteTable(
  'executions',
  {
    id: text('id').primaryKey(),
    /** Null for an ad-hoc run. */
    flowId: text('flow_id'),
    revision: integer('revision').notNull(),
    status: text('status').$type<ExecutionStatus>().notNull(),
    trigger: text('trigger').$type<Trigger>().notNull(),
    mode: text('mode').$type<Mode>().notNull(),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
    durationMs: integer('duration_ms'),
    outputStatus: integer('output_status'),
    errorType: text('error_type'),
    errorTaskId: text('error_task_id'),
    errorMessage: text('error_message'),
    replayOf: text('replay_of'),
    parentExecutionId: text('parent_execution_id'),
    /** Its labels (README, Labels); the filter reads `execution_labels`. Null: none. */
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>(),
    /** The ended execution an `execution` trigger started it for. */
    reactsTo: text('reacts_to'),
    /** How many reactions led to it (null: a summary sent before reactions were, read as 0). */
    reactionDepth: integer('reaction_depth'),
    version: integer('version').notNull(),
    /**
     * When the index last wrote this row, or the sweep last checked it against its object
     * (store/d1/index-sweep.ts): D1's clock, not the object's. Not part of the summary an object sends.
     */
    indexedAt: integer('indexed_at').notNull().default(0),
  },
  (table) => [
    index('executions_created').on(table.createdAt, table.id),
    index('executions_flow_created').on(table.flowId, table.createdAt, table.id),
    index('executions_status_created').on(table.status, table.createdAt, table.id),
    index('executions_parent_created').on(table.parentExecutionId, table.createdAt, table.id),
    // the replays of an execution, which its page links to
    index('executions_replay_created').on(table.replayOf, table.createdAt, table.id),
    // partial: the sweep reads only the unsettled rows, the oldest first (its WHERE must be this one)
    index('executions_unsettled').on(table.indexedAt).where(sql.raw(UNSETTLED_CONDITION)),
  ],
)

/** What an object sends to the index: the row but for the time the index keeps for itself. */
export type ExecutionSummary = Omit<typeof executions.$inferSelect, 'indexedAt'>

/**
 * One row per label of an indexed execution, written with its summary (index-batch.ts): a list
 * filtered by label reads its index — newest first, from the cursor on — instead of scanning.
 */
export const executionLabels = sqliteTable(
  'execution_labels',
  {
    executionId: text('execution_id').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    /** The execution's, so that the index serves the list's order and cursor. */
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.executionId, table.key] }),
    index('execution_labels_filter').on(table.key, table.value, table.createdAt, table.executionId),
  ],
)

/**
 * Executions deleted from the index (retention, DELETE): a summary still on its way through the
 * index queue must not bring one back. `createdAt` names the deleted incarnation, so an execution
 * created again under the same id (an Idempotency-Key used after its execution was deleted) is
 * indexed. Kept for longer than a message can live in the queue, then pruned.
 */
export const executionTombstones = sqliteTable(
  'execution_tombstones',
  {
    id: text('id').primaryKey(),
    createdAt: integer('created_at').notNull(),
    deletedAt: integer('deleted_at').notNull(),
  },
  (table) => [index('execution_tombstones_deleted').on(table.deletedAt)],
)

/**
 * Dashboard sessions signed out before they expired (dashboard/auth/session.ts): a copy of the
 * cookie must open nothing. A row lives until the session would have expired; each sign-out prunes
 * the ones past it.
 */
export const revokedSessions = sqliteTable(
  'revoked_sessions',
  {
    nonce: text('nonce').primaryKey(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('revoked_sessions_expires').on(table.expiresAt)],
)
