/** @module The D1 index (Drizzle): flows, their immutable revisions, execution summaries, and signed-out sessions. */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { FlowDefinition } from '../../flow/schema'
import type { ExecutionStatus, Mode, Trigger } from '../../domain/types'

export const flows = sqliteTable('flows', {
  id: text('id').primaryKey(),
  latestRevision: integer('latest_revision').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  nextScheduledAt: integer('next_scheduled_at'),
})

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
    version: integer('version').notNull(),
  },
  (table) => [
    index('executions_created').on(table.createdAt, table.id),
    index('executions_flow_created').on(table.flowId, table.createdAt, table.id),
    index('executions_status_created').on(table.status, table.createdAt, table.id),
    index('executions_parent_created').on(table.parentExecutionId, table.createdAt, table.id),
  ],
)

export type ExecutionSummary = typeof executions.$inferSelect

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
