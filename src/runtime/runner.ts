/**
 * @module The imperative shell around the machine: it holds one execution's working state,
 * runs actions, persists what changed, and keeps one alarm armed for the earliest timer.
 * Writes of one turn go in one transaction; an action with I/O starts only once its attempt
 * is persisted, and its result is checked against the current state when it comes back.
 */
import type { ActionContext, ActionResult, ChildRequest } from '../actions/define'
import type { CompiledFlow } from '../flow/compile'
import { prepareAttempt, runAction } from './prepare-attempt'
import { CLEANUP_RETRY_MS, CLEANUP_TIMER } from '../core/timers'
import { Contexts } from './contexts'
import { toTaskError } from '../domain/errors'
import { childExecutionId } from '../domain/ids'
import { IndexSync } from './index-sync'
import { jsonBytes } from './json-bytes'
import { decide, type EngineEvent } from '../core/machine'
import { PendingWrites } from './pending-writes'
import { Secrets } from './secrets'
import { foreachRunOf } from './scopes'
import { type Effect, type EngineState, FINAL_EXECUTION, type RunState } from '../core/state'
import type { ExecutionRow } from '../store/execution/schema'
import { execFromRow, type ExecutionStore, type LogLine } from '../store/execution/store'
import type { Output } from '../domain/types'
import type { SecretEnv } from '../flow/secrets'

/** Tasks run per invocation before the engine yields and continues from an immediate alarm. */
export const SLICE_TASKS = 100
/** The largest output a task run keeps, the largest `vars` and foreach items an execution holds (JSON bytes). */
export const MAX_OUTPUT_SIZE = 1024 * 1024
/** Events kept for `wait` tasks not reached yet, at most (more are refused). */
export const MAX_KEPT_EVENTS = 100
/** A log line keeps this many characters of its message (at most 3 bytes each in a row). */
export const MAX_LOG_MESSAGE = 8 * 1024
/** How soon a child tells its parent again that it ended, after a failed or refused try. */
export const NOTIFY_RETRY_MS = 1_000

export interface ChildStarted {
  executionId: string
  status: string
  output: Output | null
}

/** What the runner needs from its Durable Object and the rest of the system. */
export interface Services {
  now(): number
  fetch: typeof fetch
  armAlarm(at: number | null): void
  waitUntil(promise: Promise<unknown>): void
  startChild(parent: ExecutionRow, runId: number, attempt: number, request: ChildRequest): Promise<ChildStarted>
  killChild(executionId: string): Promise<void>
  notifyParent(row: ExecutionRow): Promise<void>
  index(row: ExecutionRow): Promise<void>
  compile(row: ExecutionRow): CompiledFlow
  /** The Worker's env, where `$secret` reads. */
  env: SecretEnv
}

export class Runner {
  private state: EngineState
  private readonly flow: CompiledFlow
  private vars: Record<string, unknown>
  private readonly contexts: Contexts
  /** Read by the attempts; masked out of every result, input and item before it is recorded. */
  private readonly secrets: Secrets
  private readonly index: IndexSync
  private readonly ready: number[] = []
  private readonly inflight = new Map<number, AbortController>()
  private readonly writes: PendingWrites
  private readonly outputWaiters = new Set<() => void>()
  private readonly pendingKills = new Set<Promise<void>>()
  private pumping = false
  private pumpAgain = false
  private armedAt: number | null
  private disposed = false
  /** The cleanup timer fired and nothing holds the execution back: its object deletes it. */
  private retentionOver = false

  /** A runner for an execution in storage, as a restarted object finds it. */
  static load(store: ExecutionStore, services: Services, row: ExecutionRow, armedAt: number | null): Runner {
    return new Runner(store, services, row, {
      runs: store.activeRuns(),
      timers: store.allTimers(),
      armedAt,
      logCount: store.countLogs(),
    })
  }

  /** A runner for an execution just inserted: nothing else is in storage yet. */
  static create(store: ExecutionStore, services: Services, row: ExecutionRow, reused: boolean): Runner {
    return new Runner(store, services, row, { runs: [], timers: [], armedAt: null, logCount: 0, fresh: !reused })
  }

  private constructor(
    private readonly store: ExecutionStore,
    private readonly services: Services,
    private row: ExecutionRow,
    found: {
      runs: RunState[]
      timers: { key: string; dueAt: number }[]
      armedAt: number | null
      logCount: number
      fresh?: boolean
    },
  ) {
    this.flow = services.compile(row)
    this.state = { exec: execFromRow(row), runs: new Map(found.runs.map((run) => [run.id, run])) }
    this.vars = row.vars
    this.index = new IndexSync(row.indexedVersion, services.index, services.now)
    this.writes = new PendingWrites(found.timers, found.logCount, row.droppedLogs)
    this.armedAt = found.armedAt
    for (const run of found.runs) if (run.status === 'pending') this.ready.push(run.id)
    this.secrets = new Secrets(services.env, this.flow.secrets)
    this.contexts = new Contexts(
      store,
      (runId) => this.state.runs.get(runId)?.scope ?? store.run(runId)?.scope ?? null,
      this.secrets,
    )
    if (found.fresh) this.contexts.scopes.begin(null)
  }

  get exec() {
    return this.state.exec
  }

  /** This runner is replaced (its memory may be ahead of storage): it stops acting and writing. */
  dispose(): void {
    this.disposed = true
    for (const controller of this.inflight.values()) controller.abort()
  }

  get fingerprint(): string | null {
    return this.row.fingerprint
  }

  get droppedLogs(): number {
    return this.writes.dropped
  }

  get isFinal(): boolean {
    return FINAL_EXECUTION.has(this.exec.status)
  }

  /** Runs interrupted by a restart: open attempts that no code in this instance is waiting for. */
  private recover(): void {
    for (const run of [...this.state.runs.values()]) {
      if (!this.isInterrupted(run)) continue
      const attempt = run.attempts.at(-1)?.number ?? 1
      // the start of a child may have reached it: the retry starts another, so this one must stop
      if (run.type === 'subflow') {
        const kill = childExecutionId(this.exec.id, run.id, attempt).then((executionId) => this.killChild(executionId))
        this.services.waitUntil(kill)
      }
      this.apply({ type: 'interrupted', runId: run.id })
    }
  }

  private isInterrupted(run: RunState): boolean {
    return run.status === 'running' && !this.inflight.has(run.id) && !this.pumping
  }

  private interrupted(): boolean {
    for (const run of this.state.runs.values()) if (this.isInterrupted(run)) return true
    return false
  }

  /** Starts a new execution (its row is already inserted). */
  async start(): Promise<void> {
    this.startIfDue()
    await this.pump()
  }

  /** A pending execution starts as soon as it is not paused. */
  private startIfDue(): void {
    if (this.exec.status === 'pending') this.apply({ type: 'start', position: this.row.startPosition })
  }

  /**
   * Called when a timer may be due — by the alarm (which the platform then clears), or by an
   * in-memory timer set alongside it: recover, fire what is due, run what is ready.
   */
  async wake(byAlarm: boolean): Promise<void> {
    if (byAlarm) this.armedAt = null
    if (this.exec.status === 'killing') await this.finishKill()
    this.startIfDue()
    this.recover()
    for (const key of this.writes.due(this.services.now())) {
      if (key === 'notify') this.notifyParent()
      else if (key === CLEANUP_TIMER) {
        this.expire()
        this.retentionOver = this.isFinal && !this.owesParent
      } else this.apply({ type: 'timer', key })
    }
    // any alarm is a chance to retry a failed index write
    this.index.retryNow()
    await this.pump()
  }

  /** Applies a request from outside (kill, pause, resume, an event, a child's end). */
  async request(event: EngineEvent): Promise<void> {
    this.apply(event)
    if (event.type === 'kill') await this.finishKill()
    if (event.type === 'resume') this.startIfDue()
    await this.pump()
  }

  /** A kill ends once the children of killed runs were told to stop (again, after a restart). */
  private async finishKill(): Promise<void> {
    this.flush()
    if (this.pendingKills.size === 0) {
      for (const executionId of this.store.childrenOfKilledRuns()) this.killChild(executionId)
    }
    await Promise.allSettled([...this.pendingKills])
    this.pendingKills.clear()
    this.apply({ type: 'killed' })
  }

  get expired(): boolean {
    return this.retentionOver
  }

  /** Whether a parent has yet to take this execution's result (a deleted child could not tell it again). */
  get owesParent(): boolean {
    return this.writes.timers.has('notify')
  }

  /**
   * Readies the execution for deletion: the cleanup timer is re-armed for soon and stays until
   * storage is gone, so a deletion cut short tries again.
   */
  expire(): void {
    this.writes.timer(CLEANUP_TIMER, this.services.now() + CLEANUP_RETRY_MS)
    this.flush()
  }

  /** Stops writing for good; resolves once no index write is in flight (it could bring a deleted D1 row back). */
  async close(): Promise<void> {
    this.dispose()
    await this.index.idle()
  }

  /** Resolves when the output is decided and persisted, or after `timeoutMs` (then null). */
  waitForOutput(timeoutMs: number): Promise<Output | null> {
    if (this.exec.output && !this.writes.state) return Promise.resolve(this.exec.output)
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.outputWaiters.delete(done)
        resolve(this.exec.output)
      }
      const timer = setTimeout(() => {
        this.outputWaiters.delete(done)
        resolve(null)
      }, timeoutMs)
      this.outputWaiters.add(done)
    })
  }

  /** The run waiting for event `name` right now, if any. */
  private waiterFor(name: string): RunState | undefined {
    return [...this.state.runs.values()].find((each) => each.status === 'waiting' && each.wait?.event === name)
  }

  /** Whether a run waits for event `name` right now (it takes the event without keeping it). */
  isWaitingFor(name: string): boolean {
    return this.waiterFor(name) !== undefined
  }

  /** Delivers a named event: to the run waiting for it, or kept until a `wait` reaches it. */
  deliverEvent(name: string, payload: unknown): { delivered: boolean } {
    const run = this.waiterFor(name)
    if (!run) {
      this.store.keepEvent(name, payload, this.services.now())
      return { delivered: false }
    }
    this.apply({ type: 'event', runId: run.id, payload })
    return { delivered: true }
  }

  /** Whether one more event may be kept for a `wait` not reached yet. */
  canKeepEvent(): boolean {
    return this.store.countKeptEvents() < MAX_KEPT_EVENTS
  }

  /** Whether task run `runId` is starting a child (its start call may still be in flight). */
  startingChild(runId: number): boolean {
    const run = this.state.runs.get(runId)
    return run?.type === 'subflow' && run.status === 'running'
  }

  /** Whether task run `runId` is waiting for child execution `executionId`. */
  expectsChild(runId: number, executionId: string): boolean {
    const run = this.state.runs.get(runId)
    return run?.status === 'waiting' && run.childExecutionId === executionId
  }

  /** Whether a `wait` task of this flow may listen for `name` (a templated name might). */
  waitsFor(name: string): boolean {
    for (const task of this.flow.tasks.values()) {
      const event = task.task.type === 'wait' ? task.params.get('event') : undefined
      if (event && (!event.constant || event.value === name)) return true
    }
    return false
  }

  private apply(event: EngineEvent): void {
    if (this.disposed) return
    const decision = decide(this.state, event, this.flow, this.services.now())
    this.state = decision.state
    if (decision.execChanged) this.writes.state = true
    const changed = new Map<number, RunState>()
    for (const run of decision.runs) {
      changed.set(run.id, run)
      this.writes.run(run)
      if (run.status === 'pending') {
        this.ready.push(run.id)
        if (
          run.scope !== null &&
          run.position === 0 &&
          run.attempts.length === 0 &&
          run.parentId === foreachRunOf(run.scope)
        ) {
          this.contexts.scopes.begin(run.scope)
        }
      }
      if (run.status === 'completed' || run.status === 'warning')
        this.contexts.scopes.record(run.scope, run.taskId, run.output)
    }
    for (const effect of decision.effects) this.effect(effect, changed)
    for (const run of changed.values()) {
      if (run.status === 'waiting' && run.wait && this.state.runs.get(run.id)?.status === 'waiting')
        this.consumeKept(run)
    }
  }

  private consumeKept(run: RunState): void {
    const kept = run.wait && this.store.takeEvent(run.wait.event)
    if (kept) this.apply({ type: 'event', runId: run.id, payload: kept.payload })
  }

  private effect(effect: Effect, changed: Map<number, RunState>): void {
    switch (effect.type) {
      case 'timer':
        return this.writes.timer(effect.key, effect.at)
      case 'cancelTimer':
        return this.writes.cancel(effect.key)
      case 'abort':
        this.inflight.get(effect.runId)?.abort(effect.reason)
        return
      case 'log':
        return this.log(effect.level, effect.runId, effect.taskId, effect.message)
      case 'collect':
        return this.collect(effect.runId, changed.get(effect.runId))
      case 'dropScope':
        this.contexts.scopes.drop(effect.scope)
        return
      case 'killChild':
        return this.killChild(effect.executionId)
      case 'finished':
        for (const controller of this.inflight.values()) controller.abort()
        if (this.row.parentExecutionId) this.notifyParent()
        return
    }
  }

  /** Tells a child execution to stop; a kill waits for these before it ends. */
  private killChild(executionId: string): void {
    const kill = this.services.killChild(executionId).catch((error: unknown) => {
      this.log('error', null, null, `could not kill child execution ${executionId}: ${toTaskError(error).message}`)
    })
    this.pendingKills.add(kill)
    this.services.waitUntil(kill)
  }

  private log(level: LogLine['level'], taskRunId: number | null, taskId: string | null, message: string): void {
    const kept =
      message.length > MAX_LOG_MESSAGE
        ? `${message.slice(0, MAX_LOG_MESSAGE)}… (${message.length} characters in all)`
        : message
    this.writes.log({ at: this.services.now(), level, taskRunId, taskId, message: kept })
  }

  private collect(runId: number, run: RunState | undefined): void {
    if (!run) return
    this.flush()
    const lanes = this.flow.tasks.get(run.taskId)?.lanes ?? {}
    const last = (Object.values(lanes)[0]?.length ?? 1) - 1
    const outputs = this.store.iterationOutputs(runId, last)
    this.store.setRunOutput(runId, outputs)
    this.contexts.scopes.record(run.scope, run.taskId, outputs)
    this.contexts.forget(runId)
  }

  /**
   * Tells the parent that this execution ended. The notice stays owed — a timer row, written with
   * the final state — until the parent takes it, so a restart in between only delays it.
   */
  private notifyParent(): void {
    this.writes.timer('notify', this.services.now() + NOTIFY_RETRY_MS)
    this.flush()
    const attempt = this.services.notifyParent({ ...this.row, ...this.exec }).then(
      () => {
        this.writes.cancel('notify')
        this.flush()
      },
      (error: unknown) => {
        this.log('warn', null, null, `could not notify the parent execution: ${toTaskError(error).message}; retrying`)
        this.flush()
      },
    )
    this.services.waitUntil(attempt)
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
        while (this.ready.length > 0 && budget > 0 && this.canRun()) {
          const runId = this.ready.shift() as number
          if (this.state.runs.get(runId)?.status !== 'pending') continue
          budget -= 1
          await this.execute(runId)
        }
      } while (this.pumpAgain && budget > 0)
    } finally {
      this.pumping = false
    }
    this.flush()
  }

  private canRun(): boolean {
    return !this.disposed && !this.exec.paused && !this.isFinal && this.exec.status !== 'killing'
  }

  /** One attempt of a pending run: its `if`, its parameters, then its action. */
  private async execute(runId: number): Promise<void> {
    const run = this.state.runs.get(runId) as RunState
    const task = this.flow.tasks.get(run.taskId)
    if (!task) return
    const prepared = await prepareAttempt(
      task,
      this.contexts.for(run, this.exec, this.row.input, this.vars),
      this.secrets,
    )
    // evaluation gives the event loop turns: a kill or a pause may have landed meanwhile
    if (this.state.runs.get(runId)?.status !== 'pending') return
    if (!this.canRun()) {
      this.ready.unshift(runId)
      return
    }
    if (prepared.kind === 'skip') return this.apply({ type: 'result', runId, attempt: 0, result: { kind: 'skipped' } })
    this.apply({ type: 'attempt', runId, input: prepared.input })
    if (prepared.kind === 'fail') return this.finish(runId, prepared.result)
    const { params } = prepared
    const attempt = this.state.runs.get(runId)?.attempts.at(-1)?.number ?? 1
    const controller = new AbortController()
    const actionContext: ActionContext = {
      execution: { id: this.exec.id, flowId: this.exec.flowId, revision: this.exec.revision },
      taskRun: { id: runId, taskId: run.taskId, attempt },
      signal: controller.signal,
      now: this.services.now,
      fetch: this.services.fetch,
      secrets: this.secrets,
      // the child records its input: it reads the secrets it needs itself
      startChild: (request) =>
        this.services.startChild({ ...this.row, ...this.exec }, runId, attempt, {
          ...request,
          body: this.secrets.mask(request.body),
        }),
    }
    if (task.task.type === 'foreach' && Array.isArray(params.items)) {
      const size = jsonBytes(params.items)
      if (size > MAX_OUTPUT_SIZE) return this.finish(runId, tooLarge(`the foreach's items are`, size), attempt)
      this.contexts.iterate(runId, params.items)
    }
    if (task.action.inline) {
      return this.finish(runId, await runAction(() => task.action.run(params, actionContext, task.task)), attempt)
    }
    // the attempt is persisted as running before its side effect starts
    this.flush()
    this.inflight.set(runId, controller)
    const work = runAction(() => task.action.run(params, actionContext, task.task)).then(async (result) => {
      if (this.inflight.get(runId) === controller) this.inflight.delete(runId)
      const current = this.state.runs.get(runId)
      const late = current?.status !== 'running' || current.attempts.at(-1)?.number !== attempt
      // a child started by an attempt that was already given up (timed out, killed) must not live on
      if (late && result.kind === 'child') this.killChild(result.executionId)
      this.finish(runId, result, attempt)
      await this.pump()
    })
    this.services.waitUntil(work)
  }

  private finish(runId: number, result: ActionResult, attempt?: number): void {
    const number = attempt ?? this.state.runs.get(runId)?.attempts.at(-1)?.number ?? 1
    // what a result records (output, vars, response, log line, error) never holds a secret
    this.apply({ type: 'result', runId, attempt: number, result: this.withinBounds(this.secrets.mask(result)) })
  }

  /** Outputs and vars live in rows (2 MB at most): an action that would outgrow them fails instead. */
  private withinBounds(result: ActionResult): ActionResult {
    if (result.kind !== 'completed') return result
    const size = jsonBytes(result.output)
    if (size > MAX_OUTPUT_SIZE) return tooLarge(`the task's output is`, size)
    if (result.vars) {
      const vars = { ...this.vars, ...result.vars }
      const total = jsonBytes(vars)
      if (total > MAX_OUTPUT_SIZE) return tooLarge('vars would hold', total)
      this.vars = vars
      this.writes.state = true
    }
    return result
  }

  /** Persists everything that changed, in one transaction, and arms the alarm. */
  flush(): void {
    if (this.disposed) return
    if (!this.writes.empty) {
      if (this.writes.state) {
        this.row = {
          ...this.row,
          ...this.exec,
          vars: this.vars,
          droppedLogs: this.writes.dropped,
          indexedVersion: this.index.indexed,
        }
      }
      this.writes.flush(this.store, this.row)
    }
    this.arm()
    if (this.exec.output) for (const waiter of [...this.outputWaiters]) waiter()
    this.syncIndex()
  }

  private arm(): void {
    let next: number | null = null
    const consider = (at: number | null) => {
      if (at !== null && (next === null || at < next)) next = at
    }
    for (const dueAt of this.writes.timers.values()) consider(dueAt)
    const unfinished = this.exec.status === 'pending' || this.exec.status === 'killing' || this.interrupted()
    if ((this.ready.length > 0 && this.canRun()) || unfinished) {
      consider(this.services.now())
    }
    consider(this.index.wakeAt(this.exec.version))
    if (next !== this.armedAt) {
      this.armedAt = next
      this.services.armAlarm(next)
    }
  }

  /** Writes the summary to D1 off the response path; a failed write is retried from the alarm. */
  private syncIndex(): void {
    if (this.disposed) return
    const write = this.index.sync(
      this.row,
      (indexed) => {
        this.row = { ...this.row, indexedVersion: indexed }
        this.store.updateExecution({ indexedVersion: indexed })
        this.arm()
        this.syncIndex()
      },
      (error) => {
        this.log('warn', null, null, `could not index the execution in D1: ${toTaskError(error).message}; retrying`)
        this.flush()
      },
    )
    if (write) this.services.waitUntil(write)
  }

  /** Everything persisted, for reads. */
  snapshot(): ExecutionRow {
    this.flush()
    return this.row
  }
}

/** The failure of a value too large to keep in a row. */
function tooLarge(what: string, size: number): ActionResult {
  return {
    kind: 'failed',
    error: { type: 'validation_error', message: `${what} ${size} bytes; at most ${MAX_OUTPUT_SIZE} are kept` },
  }
}
