/**
 * @module Deterministic replay (docs/testing-flows.md, Replaying an execution): a recorded
 * execution — what `GET /api/executions/{id}` answers, with all its task runs — turned into a flow
 * test case whose mocks are its recorded I/O, and the task-by-task differences between the record
 * and the replay. Tasks that do I/O (http, subflow, wait) answer with what they answered then,
 * attempt by attempt, and delays with the time they slept; every other task runs again, so a
 * changed flow shows what it changes.
 */
import * as z from 'zod'
import { TaskError } from '../domain/errors'
import { ExecutionStatus, TaskRunStatus } from '../domain/types'
import { lastRuns, type Difference } from './check'
import type { TaskMock, TestCase } from './document'
import type { ObservedRun } from './observation'

/** The task types whose results come from outside the engine (or the clock): replayed from the record. */
export const RECORDED_TYPES: ReadonlySet<string> = new Set(['http', 'subflow', 'wait', 'delay'])

const RecordedAttempt = z.object({
  number: z.int(),
  status: z.string(),
  input: z.unknown().optional(),
  error: TaskError.nullable().optional(),
})

const RecordedRun = z.object({
  id: z.int(),
  taskId: z.string(),
  type: z.string(),
  status: TaskRunStatus,
  output: z.unknown().optional(),
  error: TaskError.nullable().optional(),
  attempts: z.array(RecordedAttempt),
})
export type RecordedRun = z.output<typeof RecordedRun>

/** An execution as `GET /api/executions/{id}` answers it, `taskRuns` holding every run (other fields pass). */
export const ExecutionRecord = z.object({
  id: z.string(),
  flowId: z.string().nullable(),
  revision: z.int().nullable(),
  status: ExecutionStatus,
  input: z.object({ body: z.unknown().optional(), headers: z.record(z.string(), z.string()).default({}) }),
  taskRuns: z.array(RecordedRun),
})
export type ExecutionRecord = z.output<typeof ExecutionRecord>

/** A recorded attempt as the mock that gives it again: its error, or the run's output for the completed one. */
function attemptMock(run: RecordedRun, attempt: RecordedRun['attempts'][number]): TaskMock {
  if (attempt.status === 'completed') return { output: run.output ?? null }
  return { status: 'failed', error: attempt.error ?? { type: 'internal', message: `attempt ${attempt.status}` } }
}

/** The test case that replays `record`: its input, and its I/O tasks' attempts as mocks. */
export function replayCase(record: ExecutionRecord): TestCase {
  const tasks: Record<string, TaskMock[]> = {}
  for (const run of record.taskRuns) {
    if (!RECORDED_TYPES.has(run.type) || run.attempts.length === 0) continue
    // a task run more than once (foreach iterations) gives the attempts of its first run
    tasks[run.taskId] ??= run.attempts.map((attempt) => attemptMock(run, attempt))
  }
  return {
    name: `replay of ${record.id}`,
    input: { body: record.input.body ?? {}, headers: record.input.headers },
    mocks: { tasks, http: [] },
    events: [],
    expect: {},
  }
}

export type Change = 'same' | 'changed' | 'new' | 'gone'

export interface TaskChange {
  taskId: string
  change: Change
  /** What differs: `status`, `output`, `error`, `input` (the resolved input of its last attempt). */
  fields: string[]
  recorded: { status: string; output: unknown } | null
  replayed: { status: string; output: unknown } | null
}

const json = (value: unknown) => JSON.stringify(value ?? null)

/** Each task of the record and of the replay (by its last run), in the order they first ran, and what changed. */
export function replayChanges(recorded: readonly RecordedRun[], replayed: readonly ObservedRun[]): TaskChange[] {
  const before = new Map(recorded.map((run) => [run.taskId, run]))
  const after = lastRuns(replayed)
  const order = [...new Set([...recorded.map((run) => run.taskId), ...replayed.map((run) => run.taskId)])]
  return order.map((taskId) => {
    const was = before.get(taskId)
    const is = after.get(taskId)
    const recordedView = was ? { status: was.status, output: was.output ?? null } : null
    const replayedView = is ? { status: is.status, output: is.output } : null
    if (!was || !is)
      return { taskId, change: was ? 'gone' : 'new', fields: [], recorded: recordedView, replayed: replayedView }
    const fields: string[] = []
    if (was.status !== is.status) fields.push('status')
    if (json(was.output) !== json(is.output)) fields.push('output')
    if (json(was.error) !== json(is.error)) fields.push('error')
    if (json(was.attempts.at(-1)?.input) !== json(is.input)) fields.push('input')
    return {
      taskId,
      change: fields.length ? 'changed' : 'same',
      fields,
      recorded: recordedView,
      replayed: replayedView,
    }
  })
}

/** The replay's changes as differences, for a report read like a test's. */
export const changeDifferences = (changes: readonly TaskChange[]): Difference[] =>
  changes
    .filter((each) => each.change !== 'same')
    .map((each) => ({
      path: `tasks.${each.taskId}`,
      message: each.change === 'changed' ? `changed: ${each.fields.join(', ')}` : each.change,
      expected: each.recorded,
      actual: each.replayed,
    }))

/** `POST /api/tests/replay`: the record, and the flow to replay it on (default: the revision it ran). */
export const ReplayRequest = z.strictObject({
  record: ExecutionRecord.meta({ description: 'GET /api/executions/{id}, its taskRuns holding every task run' }),
  definition: z.unknown().optional().meta({ description: 'an inline flow definition to replay it on' }),
  revision: z.int().min(1).optional().meta({ description: "a revision of the record's flow to replay it on" }),
})
export type ReplayRequest = z.output<typeof ReplayRequest>
