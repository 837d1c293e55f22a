/**
 * @module The imperative shell around the core, for one execution: it holds the working state,
 * applies the core's decisions, carries out their effects and persists what changed — the writes
 * of one turn in one transaction. Attempts run in the executor; what the execution owes others
 * goes through the outbox; the alarm is armed for the earliest thing to do.
 */
import type { ChildRequest } from '../actions/define'
import { decide, type EngineEvent } from '../core/machine'
import type { Effect, EngineState, RunState } from '../core/state'
import { TracedRuns } from './traced-runs'
import { FINAL_EXECUTION } from '../core/transitions'
import { CLEANUP_RETRY_MS, CLEANUP_TIMER, type Timer } from '../core/timers'
import { unreachable } from '../domain/errors'
import { legacyChildExecutionId } from '../domain/ids'
import type { LogLevel } from '../domain/log'
import type { Output } from '../domain/types'
import type { CompiledFlow } from '../flow/compile'
import type { SecretEnv } from '../domain/flow-secrets'
import type { ExecutionRow } from '../store/execution/schema'
import { execFromRow, type ExecutionStore } from '../store/execution/store'
import { Alarm, nextAlarm } from './alarm'
import { clipped, withinBounds, withinLabels } from './bounds'
import type { Labels } from '../domain/labels'
import { Contexts } from './contexts'
import { type ActionPort, Executor, type ExecutorHost } from './executor'
import { Outbox } from './outbox'
import { PendingWrites } from './pending-writes'
import { Secrets } from './secrets'
import type { ChildStarted } from '../objects/contract'
import { Slot } from './slot'
import type { AcquireAnswer, SlotRef } from '../core/admission'
import { attemptSpanId, formatTraceparent, type TraceRoot } from '../domain/trace-context'

/** Events kept for `wait` tasks not reached yet, at most (more are refused). */
export const MAX_KEPT_EVENTS = 100

/** What the runner needs from its Durable Object and the rest of the system. */
export interface Services {
  now(): number
  fetch: typeof fetch
  /** Runs an attempt's action (`runItself`; a flow test's mocks answer in its place). */
  act: ActionPort
  /** Sets (or, with null, deletes) the object's alarm. */
  setAlarm(at: number | null): void
  /** Wakes the object from memory, for a timer due before its alarm would ring. */
  wake(): void
  waitUntil(promise: Promise<unknown>): void
  startChild(parent: ExecutionRow, runId: number, childId: string, request: ChildRequest): Promise<ChildStarted>
  /** An id for a new execution: its object's unique id. */
  newExecutionId(): string
  killChild(executionId: string): Promise<void>
  notifyParent(row: ExecutionRow): Promise<void>
  index(row: ExecutionRow): Promise<void>
  /** Whether an answer is being made (index writes wait for it). */
  holdsIndex(): boolean
  compile(row: ExecutionRow): CompiledFlow
  /** The Worker's env, where `$secret` reads. */
  env: SecretEnv
  /** Asks the execution's concurrency coordinator for a slot. */
  acquireSlot(slot: SlotRef, executionId: string): Promise<AcquireAnswer>
  /** Gives the slot back to the coordinator (or leaves its queue). */
  releaseSlot(slot: SlotRef, executionId: string): Promise<void>
  /** The trace the execution belongs to, or null while tracing is off (no OTLP endpoint). */
  traceRoot(executionId: string): TraceRoot | null
  /** Hands the ended execution's trace to the trace queue (`runs`: all of them, else null: read storage). */
  exportTrace(row: ExecutionRow, runs: RunState[] | null): Promise<void>
}

export class Runner {
  private state: EngineState
  readonly flow: CompiledFlow
  private vars: Record<string, unknown>
  private labels: Labels
  private readonly contexts: Contexts
  /** Read by the attempts; masked out of every result, input and item before it is recorded. */
  private readonly secrets: Secrets
  private readonly writes: PendingWrites
  private readonly executor: Executor
  private readonly outbox: Outbox
  private readonly alarm: Alarm
  private readonly slot: Slot
  private readonly outputWaiters = new Set<() => void>()
  private disposed = false
  /** The cleanup timer fired and nothing holds the execution back: its object deletes it. */
  private retentionOver = false
  /** The trace it belongs to (null: tracing is off). */
  private readonly trace: TraceRoot | null
  /** The runs it wrote, for the trace, while they are all of them. */
  private readonly tracedRuns: TracedRuns

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
      timers: { timer: Timer; dueAt: number }[]
      armedAt: number | null
      logCount: number
      fresh?: boolean
    },
  ) {
    this.flow = services.compile(row)
    this.trace = services.traceRoot(row.id)
    this.tracedRuns = new TracedRuns(found.fresh === true && this.trace !== null)
    this.state = { exec: execFromRow(row), runs: new Map(found.runs.map((run) => [run.id, run])) }
    this.vars = row.vars
    this.labels = row.labels
    this.secrets = new Secrets(services.env, this.flow.secrets)
    this.writes = new PendingWrites(found.timers, found.logCount, row.droppedLogs)
    this.alarm = new Alarm(services, found.armedAt)
    this.executor = new Executor(this.executorHost)
    this.outbox = new Outbox(services, this.writes, this.outboxHost, row.indexedVersion)
    this.slot = new Slot(
      { ...services, acquire: services.acquireSlot, release: services.releaseSlot },
      this.writes,
      { flush: () => this.flush(), log: (level, message) => this.log(level, null, null, message) },
      row.slot,
      row.id,
    )
    for (const run of found.runs) if (run.status === 'pending') this.executor.enqueue(run.id)
    this.contexts = new Contexts(
      store,
      // an active run's scope may be null (the top level): only a run not in memory is read from storage
      (runId) => {
        const run = this.state.runs.get(runId) ?? store.run(runId)
        return run?.scope ?? null
      },
      this.secrets,
      (runId) => this.state.runs.get(runId),
      (runId) => (this.writes.unflushed(runId) ?? store.run(runId))?.output ?? null,
    )
    if (found.fresh) this.contexts.scopes.begin(null)
  }

  private get executorHost(): ExecutorHost {
    return {
      flow: this.flow,
      run: (runId) => this.state.runs.get(runId),
      canRun: () => this.canRun(),
      context: (run) => this.contexts.for(run, this.exec, this.row.input, this.vars),
      execution: () => ({ id: this.exec.id, flowId: this.exec.flowId, revision: this.exec.revision }),
      traceHeaders: (runId, attempt): Record<string, string> => {
        const root = this.trace
        if (!root) return {}
        const traceparent = formatTraceparent(root.traceId, attemptSpanId(this.exec.id, runId, attempt))
        return root.traceState ? { traceparent, tracestate: root.traceState } : { traceparent }
      },
      apply: (event) => this.apply(event),
      secrets: this.secrets,
      finish: (runId, result, attempt) => {
        // what a result records (output, vars, labels, response, log line, error) never holds a secret
        const labelled = withinLabels(this.secrets.mask(result), this.labels)
        const kept = withinBounds(labelled.result, this.vars)
        if (kept.vars !== this.vars || labelled.labels !== this.labels) {
          this.vars = kept.vars
          this.labels = labelled.labels
          this.writes.state = true
        }
        this.apply({ type: 'result', runId, attempt, result: kept.result })
      },
      flush: () => this.flush(),
      iterate: (runId, items) => this.contexts.iterate(runId, items),
      // the child records its input: it reads the secrets it needs itself
      newExecutionId: () => this.services.newExecutionId(),
      startChild: (runId, childId, request) =>
        this.services.startChild({ ...this.row, ...this.exec }, runId, childId, {
          ...request,
          body: this.secrets.mask(request.body),
        }),
      killChild: (executionId) => this.outbox.killChild(executionId),
      now: this.services.now,
      fetch: this.services.fetch,
      act: this.services.act,
      waitUntil: (promise) => this.services.waitUntil(promise),
    }
  }

  private get outboxHost() {
    return {
      flush: () => this.flush(),
      log: (level: LogLevel, message: string) => this.log(level, null, null, message),
      indexed: (version: number) => {
        if (this.disposed) return
        this.row = { ...this.row, indexedVersion: version }
        // outside PendingWrites on purpose: a version that only grows, written alone, cannot tear a turn
        this.store.saveIndexedVersion(version)
        // with what waited for it (the trace's debt crossed out, outbox.ts), then arms and syncs again
        this.flush()
      },
    }
  }

  get exec() {
    return this.state.exec
  }

  /** This runner is replaced (its memory may be ahead of storage): it stops acting and writing. */
  dispose(): void {
    this.disposed = true
    this.alarm.dispose()
    this.executor.abortAll()
  }

  get fingerprint(): string | null {
    return this.row.fingerprint
  }

  get droppedLogs(): number {
    return this.writes.dropped
  }

  /** Whether it wakes again soon, from memory (the wake ledger writes that wake's mark ahead). */
  get wakesSoon(): boolean {
    return !this.disposed && !this.isFinal && this.alarm.wakesSoon
  }

  get isFinal(): boolean {
    return FINAL_EXECUTION.has(this.exec.status)
  }

  /** Runs interrupted by a restart: open attempts that no code in this instance is waiting for. */
  private recover(): void {
    for (const run of [...this.state.runs.values()]) {
      if (!this.executor.isInterrupted(run)) continue
      const attempt = run.attempts.at(-1)
      // a subflow attempt runs again and finds the child it recorded (the executor's resume)
      if (run.type === 'subflow' && attempt?.childExecutionId) {
        this.executor.resume(run, attempt.childExecutionId)
        continue
      }
      // an attempt recorded before children's ids were: its start may have reached the child, which must stop
      if (run.type === 'subflow') {
        const kill = legacyChildExecutionId(this.exec.id, run.id, attempt?.number ?? 1).then((id) =>
          this.outbox.killChild(id),
        )
        this.services.waitUntil(kill)
      }
      this.apply({ type: 'interrupted', runId: run.id })
    }
  }

  private interrupted(): boolean {
    for (const run of this.state.runs.values()) if (this.executor.isInterrupted(run)) return true
    return false
  }

  /** Starts a new execution (its row is already inserted). */
  async start(): Promise<void> {
    this.startIfDue()
    await this.executor.pump()
  }

  /** A pending execution starts as soon as it is not paused, and has its concurrency slot if its flow has a limit. */
  private startIfDue(): void {
    if (this.exec.status === 'pending' && !this.slot.acquiring)
      this.apply({ type: 'start', position: this.row.startPosition })
  }

  /**
   * Asks the coordinator of the execution's key for a slot: true when granted (the execution may
   * start now), false when it waits — queued, or the question to be asked again.
   */
  async acquireSlot(): Promise<boolean> {
    const answer = await this.slot.acquire()
    if (this.disposed || answer === null) return false
    // ended while asking (a kill): whatever it got goes back
    if (this.isFinal) {
      this.slot.release()
      return false
    }
    if (answer.outcome === 'queued')
      this.apply({ type: 'queued', ahead: answer.ahead, limit: this.row.slot?.limit ?? 0 })
    this.flush()
    return answer.outcome === 'granted'
  }

  /** The coordinator gave this execution a slot: it starts, from its alarm, unless it ended or started already. */
  admit(): void {
    this.slot.admitted()
    // pending: admitted before the coordinator's first answer came back
    if (this.exec.status === 'queued' || this.exec.status === 'pending')
      this.apply({ type: 'start', position: this.row.startPosition })
    this.flush()
  }

  /**
   * Called when a timer may be due — by the alarm (which the platform then clears), or by an
   * in-memory timer set alongside it: recover, fire what is due, run what is ready.
   */
  async wake(byAlarm: boolean): Promise<void> {
    if (byAlarm) this.alarm.rang()
    if (this.exec.status === 'killing') await this.finishKill()
    this.startIfDue()
    this.recover()
    for (const timer of this.writes.due(this.services.now())) this.fire(timer)
    // any alarm is a chance to retry a failed index write
    this.outbox.retryIndexNow()
    await this.executor.pump()
  }

  /** A timer came due: the shell's own are handled here, the rest decided by the core. */
  private fire(timer: Timer): void {
    switch (timer.kind) {
      case 'notify':
        return this.outbox.notifyParent({ ...this.row, ...this.exec })
      case 'cleanup':
        this.expire()
        this.retentionOver = this.isFinal && !this.owesParent && !this.slot.owed
        return
      case 'trace':
        return this.outbox.retryTrace()
      case 'acquire':
        return this.services.waitUntil(this.acquireSlot())
      case 'release':
        return this.slot.release()
      case 'execution':
      case 'wake':
      case 'retry':
      case 'timeout':
        return this.apply({ type: 'timer', timer })
      default:
        return unreachable(timer)
    }
  }

  /** Applies a request from outside (kill, pause, resume, an event, a child's end). */
  async request(event: EngineEvent): Promise<void> {
    this.apply(event)
    if (event.type === 'kill') await this.finishKill()
    if (event.type === 'resume') this.startIfDue()
    await this.executor.pump()
  }

  /** A kill ends once the children of killed runs were told to stop (again, after a restart). */
  private async finishKill(): Promise<void> {
    this.flush()
    if (!this.outbox.killing) {
      for (const executionId of this.store.childrenOfKilledRuns()) this.outbox.killChild(executionId)
    }
    await this.outbox.killsSettled()
    this.apply({ type: 'childrenStopped' })
  }

  get expired(): boolean {
    return this.retentionOver
  }

  /** Whether a parent has yet to take this execution's result (a deleted child could not tell it again). */
  get owesParent(): boolean {
    return this.outbox.owesParent
  }

  /**
   * Readies the execution for deletion: the cleanup timer is re-armed for soon and stays until
   * storage is gone, so a deletion cut short tries again.
   */
  expire(): void {
    this.writes.timer(CLEANUP_TIMER, this.services.now() + CLEANUP_RETRY_MS)
    this.flush()
  }

  /** The index queue gave the summary up (its dead letters): send it again. */
  reindex(): void {
    this.outbox.reindex()
    this.flush()
  }

  /**
   * Read back from storage: what the index queue accepted before may not have reached D1 (a queue
   * that lost it), so the next flush sends the summary once more.
   */
  repairIndex(): void {
    this.outbox.repairIndex()
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

  async pump(): Promise<void> {
    await this.executor.pump()
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
      this.tracedRuns.wrote(run)
      if (run.status === 'pending') this.executor.enqueue(run.id)
      if (run.status === 'completed' || run.status === 'warning')
        this.contexts.scopes.record(run.scope, run.taskId, run.output)
    }
    const awaiting: { runId: number; event: string }[] = []
    for (const effect of decision.effects) {
      if (effect.type === 'awaitEvent') awaiting.push(effect)
      else this.effect(effect, changed)
    }
    // once the whole decision is carried out: an event kept for a run may end its wait at once
    for (const { runId, event: name } of awaiting) {
      if (this.state.runs.get(runId)?.status !== 'waiting') continue
      const kept = this.store.takeEvent(name)
      if (kept) this.apply({ type: 'event', runId, payload: kept.payload })
    }
  }

  /** The run's latest attempt as decided (a run that just ended is no longer among the active ones). */
  private attemptOf(runId: number | null, changed: Map<number, RunState>): number | null {
    return runId === null ? null : ((changed.get(runId) ?? this.state.runs.get(runId))?.attempts.at(-1)?.number ?? null)
  }

  // no closure here: one made per effect, named by esbuild's keepNames (the bench's build), was 3 % of
  // a 1,000-task flow's profile (docs/performance.md, Per task)
  private effect(effect: Exclude<Effect, { type: 'awaitEvent' }>, changed: Map<number, RunState>): void {
    switch (effect.type) {
      case 'timer':
        return this.writes.timer(effect.timer, effect.at)
      case 'cancelTimer':
        return this.writes.cancel(effect.timer)
      case 'abort':
        return this.executor.abort(effect.runId, effect.reason)
      case 'log':
        return this.log(
          effect.level,
          effect.runId,
          effect.taskId,
          effect.message,
          this.attemptOf(effect.runId, changed),
        )
      case 'beginScope':
        return this.contexts.scopes.begin(effect.scope)
      case 'collect':
        return this.collect(effect.runId, changed.get(effect.runId))
      case 'dropScope':
        return this.contexts.scopes.drop(effect.scope)
      case 'killChild':
        return this.outbox.killChild(effect.executionId)
      case 'finished':
        this.executor.abortAll()
        this.slot.release()
        if (this.row.parentExecutionId) this.outbox.notifyParent({ ...this.row, ...this.exec })
        if (this.trace) this.outbox.owesTrace()
        return
      default:
        return unreachable(effect)
    }
  }

  /** `attempt`: the attempt of the run the line is about (its span in the trace; docs/observability.md). */
  private log(
    level: LogLevel,
    taskRunId: number | null,
    taskId: string | null,
    message: string,
    attempt: number | null = null,
  ): void {
    // results come masked already; a line the shell composes (an error it caught) is masked here
    const masked = this.secrets.mask(message)
    this.writes.log({ at: this.services.now(), level, taskRunId, taskId, attempt, message: clipped(masked) })
  }

  /** A foreach ended: its output is the last output of each iteration, read back from storage. */
  private collect(runId: number, run: RunState | undefined): void {
    if (!run) return
    // the iterations' last outputs must be in storage before they are read back
    this.flush()
    const lanes = this.flow.tasks.get(run.taskId)?.lanes ?? {}
    const last = (Object.values(lanes)[0]?.length ?? 1) - 1
    const output = this.store.iterationOutputs(runId, last)
    const collected = { ...run, output }
    this.writes.run(collected)
    this.tracedRuns.wrote(collected)
    this.contexts.scopes.record(run.scope, run.taskId, output)
    this.contexts.forget(runId)
  }

  private canRun(): boolean {
    return !this.disposed && !this.exec.paused && !this.isFinal && this.exec.status !== 'killing'
  }

  /** Persists everything that changed, in one transaction, and arms the alarm. */
  flush(): void {
    if (this.disposed) return
    if (!this.writes.empty) {
      if (this.writes.state) {
        this.row = { ...this.row, ...this.exec, vars: this.vars, labels: this.labels, droppedLogs: this.writes.dropped }
      }
      this.writes.flush(this.store, this.row)
    }
    this.arm()
    if (this.exec.output) for (const waiter of [...this.outputWaiters]) waiter()
    this.outbox.syncIndex(this.row)
    this.outbox.syncTrace(this.row, () => this.tracedRuns.take())
  }

  private arm(): void {
    const unstarted = this.exec.status === 'pending' && !this.slot.acquiring
    const unfinished = unstarted || this.exec.status === 'killing' || this.interrupted()
    const workWaiting = (this.executor.hasWork && this.canRun()) || unfinished
    const indexAt = this.outbox.indexWakeAt(this.exec.version)
    this.alarm.arm(nextAlarm(this.writes.dueTimes(), workWaiting, indexAt, this.services.now()))
  }

  /** Everything persisted, for reads. */
  snapshot(): ExecutionRow {
    this.flush()
    return this.row
  }
}
