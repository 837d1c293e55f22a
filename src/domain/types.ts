/** @module Shapes shared by the engine, the store and the API (zod first, types inferred). */
import * as z from 'zod'
import { ExecutionError, ExecutionFailure, TaskError } from './errors'

export const ExecutionStatus = z.enum([
  'pending',
  'queued',
  'running',
  'delayed',
  'waiting',
  'paused',
  'killing',
  'completed',
  'warning',
  'failed',
  'killed',
])
export type ExecutionStatus = z.infer<typeof ExecutionStatus>

export const TaskRunStatus = z.enum([
  'pending',
  'running',
  'delayed',
  'waiting',
  'completed',
  'warning',
  'failed',
  'killed',
  'skipped',
])
export type TaskRunStatus = z.infer<typeof TaskRunStatus>

/** `test`: a flow test's execution (docs/testing-flows.md), never indexed nor kept. */
export const Trigger = z.enum([
  'webhook',
  'manual',
  'schedule',
  'subflow',
  'replay',
  'adhoc',
  'execution',
  'queue',
  'email',
  'test',
])
export type Trigger = z.infer<typeof Trigger>

export const Mode = z.enum(['sync', 'async'])
export type Mode = z.infer<typeof Mode>

/** The response an execution gives its caller (the Arengu contract, docs/architecture.md, Life of a trigger). */
export const Output = z.object({
  status: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()),
})
export type Output = z.infer<typeof Output>

/** How long something that started and ended took, in ms (null until it has ended). */
export const durationMs = (startedAt: number | null, endedAt: number | null): number | null =>
  startedAt === null || endedAt === null ? null : endedAt - startedAt

export const Metric = z.object({
  name: z.string(),
  type: z.enum(['duration', 'counter']),
  value: z.number(),
})
export type Metric = z.infer<typeof Metric>

export const AttemptStatus = z.enum(['running', 'completed', 'failed', 'killed'])

/** One try of a task run: its resolved input, its result and its times. */
export const Attempt = z.object({
  number: z.number().int(),
  status: AttemptStatus,
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  /** The task's parameters after templating. */
  input: z.unknown().optional(),
  error: TaskError.optional(),
  /** What the action counted during this attempt (the run's metrics add them up with its duration). */
  metrics: z.array(Metric).optional(),
  /** A subflow attempt's child, recorded before the child is started (so a restart finds the same one). */
  childExecutionId: z.string().optional(),
})
export type Attempt = z.infer<typeof Attempt>

/** The input of an execution (docs/architecture.md, Life of a trigger). */
export const ExecutionInput = z.object({
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
  metadata: z.object({
    trigger: Trigger,
    method: z.string().nullable(),
    path: z.string().nullable(),
    query: z.record(z.string(), z.string()),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    country: z.string().nullable(),
    colo: z.string().nullable(),
    receivedAt: z.string(),
  }),
})
export type ExecutionInput = z.infer<typeof ExecutionInput>

export { ExecutionError, ExecutionFailure, TaskError }
