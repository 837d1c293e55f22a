/** @module The engine's working state (pure data) and a copy-on-write draft that `decide` edits. */
import type { LogLevel } from '../domain/log'
import { InvariantViolated } from '../domain/errors'
import type { CompiledFlow } from '../flow/compile'
import type { Timer } from './timers'
import type {
  Attempt,
  ExecutionError,
  ExecutionStatus,
  Metric,
  Mode,
  Output,
  TaskError,
  TaskRunStatus,
  Trigger,
} from '../domain/types'
import { FINAL_RUN } from './transitions'

/** Where one lane of a container (or of the flow) stands. */
export interface LaneState {
  /** Index of the current task in the lane's list. */
  position: number
  runId: number | null
}

/** Progress of a container run (or of the flow's own task list). */
export interface Progress {
  lanes: Record<string, LaneState>
  warned: boolean
  foreach?: { total: number; concurrency: number; next: number; done: number }
  /** Set once the scope's own tasks are over and its handlers run (core/handlers.ts). */
  ending?: ScopeEnding
  /** The flow only: completed runs whose task declares `compensate`, in the order they completed. */
  compensable?: Compensable[]
  /** The flow only: how its compensations went so far (`ran` counts those started). */
  compensation?: CompensationSummary
}

/** Phases of a scope that ended: its `errors`, the flow's compensations, its `finally`, in this order. */
export type Phase = 'errors' | 'compensate' | 'finally'

export interface ScopeEnding {
  /** What the scope ends with once its handlers are done. */
  status: 'completed' | 'warning' | 'failed'
  /** The original failure (failed), with what failed in its handlers beside it. */
  error: ExecutionError | null
  /** The failure was handled by an `errors`: the `errors` of scopes further out do not run for it. */
  handled: boolean
  phase: Phase
}

export interface Compensable {
  runId: number
  taskId: string
}

export interface CompensationSummary {
  ran: number
  completed: number
  failed: number
}

export interface RunState {
  id: number
  taskId: string
  type: string
  status: TaskRunStatus
  parentId: number | null
  lane: string
  position: number
  iteration: number | null
  /** The foreach iteration whose outputs this run sees (`<foreachRunId>#<index>`), null at top level. */
  scope: string | null
  attempts: Attempt[]
  output: unknown
  error: TaskError | null
  metrics: Metric[]
  startedAt: number | null
  endedAt: number | null
  wakeAt: number | null
  childExecutionId: string | null
  wait: { event: string; onTimeout: 'fail' | 'continue' } | null
  reused: boolean
  progress: Progress | null
}

export interface ExecState {
  id: string
  /** Null for an ad-hoc run. */
  flowId: string | null
  revision: number
  mode: Mode
  trigger: Trigger
  status: ExecutionStatus
  output: Output | null
  error: ExecutionError | null
  createdAt: number
  startedAt: number | null
  endedAt: number | null
  wakeAt: number | null
  /** The flow's own task list, as a container with one lane. */
  root: Progress
  paused: boolean
  nextRunId: number
  version: number
}

export interface EngineState {
  readonly exec: ExecState
  /** Runs that are not final yet. */
  readonly runs: ReadonlyMap<number, RunState>
}

/** Work for the shell: what to do beyond persisting the changed state. */
export type Effect =
  | { type: 'timer'; timer: Timer; at: number }
  | { type: 'cancelTimer'; timer: Timer }
  | { type: 'abort'; runId: number; reason: TaskError }
  | { type: 'log'; level: LogLevel; runId: number | null; taskId: string | null; message: string }
  /** A foreach finished: its output is the last output of each iteration, read from storage. */
  | { type: 'collect'; runId: number }
  /** An iteration scope began: its first run was created. */
  | { type: 'beginScope'; scope: string }
  /** A run began waiting for a named event: one kept for it ends the wait at once. */
  | { type: 'awaitEvent'; runId: number; event: string }
  /** An iteration scope ended: its outputs are no longer visible. */
  | { type: 'dropScope'; scope: string }
  | { type: 'killChild'; executionId: string }
  /** The execution is final (notify a parent, index it). */
  | { type: 'finished' }

export interface Decision {
  state: EngineState
  effects: Effect[]
  /** Runs created or changed (final ones included), in the order they changed. */
  runs: RunState[]
  execChanged: boolean
}

/** Copy-on-write editor over an `EngineState`; the input state is never mutated. */
export class Draft {
  exec: ExecState
  private runs: Map<number, RunState> | null = null
  readonly effects: Effect[] = []
  private readonly changed = new Map<number, RunState>()
  private execCopied = false

  constructor(
    private readonly base: EngineState,
    readonly flow: CompiledFlow,
    readonly now: number,
  ) {
    this.exec = base.exec
  }

  run(id: number): RunState | undefined {
    return (this.runs ?? this.base.runs).get(id)
  }

  activeRuns(): Iterable<RunState> {
    return (this.runs ?? this.base.runs).values()
  }

  /** Stores a new or changed run; final runs leave the active set but are still reported. */
  putRun(run: RunState): RunState {
    this.runs ??= new Map(this.base.runs)
    if (FINAL_RUN.has(run.status)) this.runs.delete(run.id)
    else this.runs.set(run.id, run)
    this.changed.set(run.id, run)
    return run
  }

  updateRun(id: number, patch: Partial<RunState>): RunState {
    const current = this.run(id) ?? this.changed.get(id)
    if (!current) throw new InvariantViolated(`task run ${id} is not active`)
    return this.putRun({ ...current, ...patch })
  }

  updateExec(patch: Partial<ExecState>): void {
    if (!this.execCopied) {
      this.exec = { ...this.exec }
      this.execCopied = true
    }
    Object.assign(this.exec, patch)
  }

  emit(effect: Effect): void {
    this.effects.push(effect)
  }

  /** A log line of the execution (`run` null) or of a task run. */
  log(level: LogLevel, run: Pick<RunState, 'id' | 'taskId'> | null, message: string): void {
    this.effects.push({ type: 'log', level, runId: run?.id ?? null, taskId: run?.taskId ?? null, message })
  }

  result(): Decision {
    const runs = this.runs ?? this.base.runs
    return {
      state: { exec: this.exec, runs },
      effects: this.effects,
      runs: [...this.changed.values()],
      execChanged: this.execCopied,
    }
  }
}

// the status sets are derived in transitions.ts; re-exported for the modules that read them here
