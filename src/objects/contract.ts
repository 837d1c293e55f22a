/**
 * @module What the execution object's RPC methods take and answer: types only, so that the
 * object, the stubs that call it and the runtime it drives need not import each other.
 */
import type { ReplayPlan } from '../core/replay'
import type { ExecutionError, ExecutionInput, ExecutionStatus, Output, Trigger } from '../domain/types'
import type { FlowDefinition } from '../flow/schema'
import type { Placement } from '../flow/placement'
import type { TraceRoot } from '../domain/trace-context'
import type { Mocks, TestEvent } from '../flowtest/document'
import type { Observation } from '../flowtest/observation'

/** `start`: a new execution, or a retry of one (the same id finds it). */
export interface StartRequest {
  executionId: string
  /** Null for an ad-hoc run. */
  flowId: string | null
  revision: number
  definition: FlowDefinition
  trigger: Trigger
  input: ExecutionInput
  /** For a child: its parent, the parent's task run, and how deep it sits (default: none, 0). */
  parent?: { executionId: string; taskRunId: number; depth: number }
  replayOf?: string
  /** For an execution an `execution` trigger starts: the ended execution, and how many reactions led to this one. */
  reaction?: { executionId: string; depth: number }
  /** For a child whose flow has no placement: its parent flow's, which it is created by. */
  placement?: Placement
  /** Fingerprint of the request behind an Idempotency-Key: another payload with the same key is refused. */
  fingerprint?: string
  /** How long to wait for the output before answering (default 0: answer at once). */
  waitMs?: number
  /** The caller's trace (a webhook's `traceparent`, a parent's subflow attempt): its trace continues there. */
  trace?: TraceRoot
  /** For a replay: the trace of the execution it replays, which its span links to. */
  replayedTraceId?: string
  /** For a replay: the runs it reuses and where it starts. */
  reuse?: Pick<ReplayPlan, 'startPosition' | 'runs' | 'vars' | 'warned' | 'output'>
}

/** A request the object refused: why, for the caller to answer with. */
export type Failure = {
  ok: false
  code: 'not_found' | 'conflict' | 'idempotency_mismatch' | 'invalid' | 'not_final' | 'rejected'
  message: string
  /** For `rejected`: when a slot is likely to be free. */
  retryAfterMs?: number
}

export type StartResult =
  | {
      ok: true
      executionId: string
      status: ExecutionStatus
      output: Output | null
      /** Why it failed, when it did (an input the flow's schema refused has `issues`). */
      error: ExecutionError | null
      created: boolean
    }
  | Failure

/** `kill`, `pause`, `resume`: the status the execution is in afterwards. */
export type ControlResult = { ok: true; status: ExecutionStatus } | Failure

/** `event`: whether a `wait` task took the event now (or it is kept for later). */
export type EventResult = ControlResult & { delivered?: boolean }

export type RemoveResult = { ok: true } | Failure

/** `replay`: a new execution `executionId` of the given revision, restarting at `fromTaskId`. */
export interface ReplayRequest {
  executionId: string
  revision: number
  definition: FlowDefinition
  fromTaskId?: string | undefined
}

export type ReplayResult =
  { ok: true; executionId: string; status: ExecutionStatus; fromTaskId: string; reused: number } | Failure

/** `childEnded`: the notice a child execution sends its parent when it ends. */
export interface ChildEnded {
  executionId: string
  status: string
  output: Output | null
  error: ExecutionError | null
}

/** A child execution a `subflow` task started, as its start answered. */
export interface ChildStarted {
  executionId: string
  status: string
  output: Output | null
}

/** `reindex`: the incarnation and version the index lists (the sweep knows them; the dead letters do not). */
export interface Listed {
  createdAt: number
  version: number
}

/** `reindex`'s answer: whether the object holds an execution, and whether it sends its summary again. */
export interface Reindexed {
  found: boolean
  resent: boolean
}

/** `runTest`: one flow test case, run in a fresh object that deletes it all afterwards (docs/testing-flows.md). */
export interface TestRunRequest {
  executionId: string
  flowId: string | null
  revision: number
  definition: FlowDefinition
  input: ExecutionInput
  mocks: Mocks
  events: TestEvent[]
}

export type TestRunResult = { ok: true; observation: Observation } | Failure
