/**
 * @module Runs the attempts of ready task runs, a slice at a time: the `if`, the parameters, then
 * the action. An action with I/O starts only once its attempt is persisted, and its result is
 * applied against the state as it is when the result comes back (the attempt may be over).
 */
import type { ActionContext, ActionResult, ChildRequest } from '../actions/define'
import type { EngineEvent } from '../core/machine'
import type { RunState } from '../core/state'
import type { CompiledFlow, CompiledTask } from '../flow/compile'
import type { Output } from '../domain/types'
import type { ExpressionContext } from '../flow/expression'
import { InvariantViolated } from '../domain/errors'
import { spend, TASK_STEPS, turn, turned } from '../flow/turns'
import { itemsTooLarge } from './bounds'
import { prepareAttempt, runAction } from './prepare-attempt'
import type { Secrets } from './secrets'

/** What starting a child execution answers. */
export interface ChildStarted {
  executionId: string
  status: string
  output: Output | null
}

/**
 * The signal of inline actions: only attempts in flight are aborted, so theirs never fires (a
 * controller for each was 1.3 % of a 1,000-task flow's profile). None of them listens to it: a
 * listener would stay on this one signal.
 */
const NEVER_ABORTED = new AbortController().signal

/** Tasks run per invocation before the engine yields and continues from an immediate alarm. */
export const SLICE_TASKS = 100

/**
 * Runs an attempt's action. The port where a flow test answers from its mocks instead
 * (runtime/test-harness.ts); everywhere else it is `runItself`.
 */
export type ActionPort = (
  task: CompiledTask,
  params: Record<string, unknown>,
  context: ActionContext,
) => ActionResult | Promise<ActionResult>

/** The action itself runs. */
export const runItself: ActionPort = (task, params, context) => task.action.run(params, context, task.task)

/** What the executor needs of the runner it works for. */
export interface ExecutorHost {
  readonly flow: CompiledFlow
  run(runId: number): RunState | undefined
  /** Whether attempts may start now (not paused, killed, over or replaced). */
  canRun(): boolean
  context(run: RunState): ExpressionContext
  /** What the attempts read their secrets from; it masks them out of the input an attempt records. */
  readonly secrets: Secrets
  execution(): ActionContext['execution']
  /** The trace headers an attempt sends on (none while tracing is off). */
  traceHeaders(runId: number, attempt: number): Record<string, string>
  apply(event: EngineEvent): void
  /** Applies an attempt's result, held to the bounds of what an execution keeps. */
  finish(runId: number, result: ActionResult, attempt: number): void
  flush(): void
  iterate(runId: number, items: unknown[]): void
  /** Starts (or finds) the child execution `childId` of task run `runId`. */
  startChild(runId: number, childId: string, request: ChildRequest): Promise<ChildStarted>
  /** An id for a new execution (a subflow attempt's child). */
  newExecutionId(): string
  killChild(executionId: string): void
  now(): number
  fetch: typeof fetch
  act: ActionPort
  waitUntil(promise: Promise<unknown>): void
}

export class Executor {
  private readonly ready: number[] = []
  private readonly inflight = new Map<number, AbortController>()
  private pumping = false
  private pumpAgain = false

  constructor(private readonly host: ExecutorHost) {}

  /** A run turned pending: it runs in this or the next slice. */
  enqueue(runId: number): void {
    this.ready.push(runId)
  }

  get hasWork(): boolean {
    return this.ready.length > 0
  }

  /** A run marked running that no code here is waiting for: a restart cut its attempt off. */
  isInterrupted(run: RunState): boolean {
    return run.status === 'running' && !this.inflight.has(run.id) && !this.pumping
  }

  abort(runId: number, reason: unknown): void {
    this.inflight.get(runId)?.abort(reason)
  }

  abortAll(): void {
    for (const controller of this.inflight.values()) controller.abort()
  }

  /** Runs ready tasks until none is left, the slice budget is spent, or the execution holds. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true
      return
    }
    this.pumping = true
    turned()
    try {
      let budget = SLICE_TASKS
      do {
        this.pumpAgain = false
        while (this.ready.length > 0 && budget > 0 && this.host.canRun()) {
          const runId = this.ready.shift() as number
          if (this.host.run(runId)?.status !== 'pending') continue
          budget -= 1
          await this.execute(runId)
          // a turn once the isolate has worked a few milliseconds (flow/turns.ts), not every few tasks
          if (spend(TASK_STEPS) && budget > 0 && this.ready.length > 0) await turn()
        }
      } while (this.pumpAgain && budget > 0)
    } finally {
      this.pumping = false
    }
    this.host.flush()
  }

  /** One attempt of a pending run: its `if`, its parameters, then its action. */
  private async execute(runId: number): Promise<void> {
    const host = this.host
    const run = host.run(runId) as RunState
    const task = host.flow.tasks.get(run.taskId)
    if (!task) return
    const prepared = await prepareAttempt(task, host.context(run), host.secrets)
    // evaluation gives the event loop turns: a kill or a pause may have landed meanwhile
    if (host.run(runId)?.status !== 'pending') return
    if (!host.canRun()) {
      this.ready.unshift(runId)
      return
    }
    if (prepared.kind === 'skip') return host.apply({ type: 'result', runId, attempt: 0, result: { kind: 'skipped' } })
    // a child's id is recorded with the attempt, before the child is started (see resume)
    const child = task.task.type === 'subflow' ? { childExecutionId: host.newExecutionId() } : {}
    host.apply({ type: 'attempt', runId, input: prepared.input, ...child })
    const attempt = host.run(runId)?.attempts.at(-1)?.number ?? 1
    if (prepared.kind === 'fail') return host.finish(runId, prepared.result, attempt)
    const { params } = prepared
    if (task.task.type === 'foreach' && Array.isArray(params.items)) {
      const refused = itemsTooLarge(params.items)
      if (refused) return host.finish(runId, refused, attempt)
      host.iterate(runId, params.items)
    }
    if (task.action.inline) {
      const context = this.actionContext(run, attempt, NEVER_ABORTED)
      return host.finish(runId, await runAction(() => host.act(task, params, context)), attempt)
    }
    const controller = new AbortController()
    const act = () => runAction(() => host.act(task, params, this.actionContext(run, attempt, controller.signal)))
    // the attempt is persisted as running before its side effect starts
    host.flush()
    this.inflight.set(runId, controller)
    host.waitUntil(this.settle(runId, attempt, controller, act()))
  }

  private actionContext(run: RunState, attempt: number, signal: AbortSignal): ActionContext {
    const host = this.host
    return {
      execution: host.execution(),
      taskRun: { id: run.id, taskId: run.taskId, attempt },
      signal,
      now: host.now,
      fetch: host.fetch,
      secrets: host.secrets,
      traceHeaders: host.traceHeaders(run.id, attempt),
      startChild: (request) => {
        const recorded = host.run(run.id)?.attempts.find((each) => each.number === attempt)?.childExecutionId
        if (!recorded) throw new InvariantViolated(`attempt ${attempt} of task run ${run.id} recorded no child id`)
        return host.startChild(run.id, recorded, request)
      },
    }
  }

  /** Applies an action's result to the attempt it belongs to, as the state is when it comes back. */
  private async settle(
    runId: number,
    attempt: number,
    controller: AbortController,
    action: Promise<ActionResult>,
  ): Promise<void> {
    const host = this.host
    const result = await action
    if (this.inflight.get(runId) === controller) this.inflight.delete(runId)
    const current = host.run(runId)
    const late = current?.status !== 'running' || current.attempts.at(-1)?.number !== attempt
    // a child started by an attempt that was already given up (timed out, killed) must not live on
    if (late && result.kind === 'child') host.killChild(result.executionId)
    host.finish(runId, result, attempt)
    await this.pump()
  }

  /**
   * Runs again the open attempt of a subflow run that a restart cut off: under the child id the
   * attempt recorded, the start finds the child it began (or starts it, if that start never arrived),
   * so a crash neither loses the child nor starts a second one. When its parameters no longer
   * resolve, the attempt is recorded as interrupted and its child told to stop.
   */
  resume(run: RunState, childExecutionId: string): void {
    const host = this.host
    const task = host.flow.tasks.get(run.taskId)
    const attempt = run.attempts.at(-1)?.number ?? 1
    const controller = new AbortController()
    // from now on the attempt is in flight again, not interrupted
    this.inflight.set(run.id, controller)
    const work = (async () => {
      const prepared = task ? await prepareAttempt(task, host.context(run), host.secrets) : null
      if (!task || prepared?.kind !== 'run') {
        if (this.inflight.get(run.id) === controller) this.inflight.delete(run.id)
        host.killChild(childExecutionId)
        host.apply({ type: 'interrupted', runId: run.id })
        return this.pump()
      }
      const { params } = prepared
      const act = runAction(() => host.act(task, params, this.actionContext(run, attempt, controller.signal)))
      await this.settle(run.id, attempt, controller, act)
    })()
    host.waitUntil(work)
  }
}
