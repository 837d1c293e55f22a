/**
 * @module Runs the attempts of ready task runs, a slice at a time: the `if`, the parameters, then
 * the action. An action with I/O starts only once its attempt is persisted, and its result is
 * applied against the state as it is when the result comes back (the attempt may be over).
 */
import type { ActionContext, ActionResult, ChildRequest } from '../actions/define'
import type { EngineEvent } from '../core/machine'
import type { RunState } from '../core/state'
import type { CompiledFlow } from '../flow/compile'
import type { Output } from '../domain/types'
import type { ExpressionContext } from '../flow/expression'
import { itemsTooLarge } from './bounds'
import { prepareAttempt, runAction } from './prepare-attempt'
import type { Secrets } from './secrets'

/** What starting a child execution answers. */
export interface ChildStarted {
  executionId: string
  status: string
  output: Output | null
}

/** Tasks run per invocation before the engine yields and continues from an immediate alarm. */
export const SLICE_TASKS = 100

/**
 * Tasks run before the executor gives the event loop a turn within a slice. Every object and the
 * Worker share one thread, where the clock stands still while code runs: only a count can bound
 * how long another execution's request waits behind this one.
 */
export const TURN_TASKS = 10

/** A turn of the event loop: requests waiting for the thread go first. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

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
  apply(event: EngineEvent): void
  /** Applies an attempt's result, held to the bounds of what an execution keeps. */
  finish(runId: number, result: ActionResult, attempt: number): void
  flush(): void
  iterate(runId: number, items: unknown[]): void
  startChild(runId: number, attempt: number, request: ChildRequest): Promise<ChildStarted>
  killChild(executionId: string): void
  now(): number
  fetch: typeof fetch
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
    try {
      let budget = SLICE_TASKS
      do {
        this.pumpAgain = false
        while (this.ready.length > 0 && budget > 0 && this.host.canRun()) {
          const runId = this.ready.shift() as number
          if (this.host.run(runId)?.status !== 'pending') continue
          budget -= 1
          await this.execute(runId)
          if ((SLICE_TASKS - budget) % TURN_TASKS === 0 && budget > 0 && this.ready.length > 0) await nextTurn()
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
    host.apply({ type: 'attempt', runId, input: prepared.input })
    const attempt = host.run(runId)?.attempts.at(-1)?.number ?? 1
    if (prepared.kind === 'fail') return host.finish(runId, prepared.result, attempt)
    const { params } = prepared
    const controller = new AbortController()
    const context: ActionContext = {
      execution: host.execution(),
      taskRun: { id: runId, taskId: run.taskId, attempt },
      signal: controller.signal,
      now: host.now,
      fetch: host.fetch,
      secrets: host.secrets,
      startChild: (request) => host.startChild(runId, attempt, request),
    }
    if (task.task.type === 'foreach' && Array.isArray(params.items)) {
      const refused = itemsTooLarge(params.items)
      if (refused) return host.finish(runId, refused, attempt)
      host.iterate(runId, params.items)
    }
    const act = () => runAction(() => task.action.run(params, context, task.task))
    if (task.action.inline) return host.finish(runId, await act(), attempt)
    // the attempt is persisted as running before its side effect starts
    host.flush()
    this.inflight.set(runId, controller)
    const work = act().then(async (result) => {
      if (this.inflight.get(runId) === controller) this.inflight.delete(runId)
      const current = host.run(runId)
      const late = current?.status !== 'running' || current.attempts.at(-1)?.number !== attempt
      // a child started by an attempt that was already given up (timed out, killed) must not live on
      if (late && result.kind === 'child') host.killChild(result.executionId)
      host.finish(runId, result, attempt)
      await this.pump()
    })
    host.waitUntil(work)
  }
}
