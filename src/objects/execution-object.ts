/**
 * @module The execution Durable Object: one per execution, the source of truth for it. It creates
 * the execution (or finds it again), loads the runner from storage, hands requests to it, and wakes
 * it from the alarm — each wake, and a sync start's first slice, written down in the wake ledger
 * first — and deletes it when its retention ends. What to do is the runner's and the core's.
 */
import { DurableObject } from 'cloudflare:workers'
import { summaryOf } from '../store/d1/executions'
import { upsertMessage } from '../store/d1/index-batch'
import type { Env } from '../env'
import { compiledRevision } from '../flow/cache'
import { toTaskError } from '../domain/errors'
import { executionStub, launch, notifyParent, startChild } from './stubs'
import { jurisdictionOfId, newExecutionId } from './placed-ids'
import { type EngineEvent, Refused } from '../core/machine'
import { type ReplayPlan, planReplay, ReplayRefused } from '../core/replay'
import { MAX_KEPT_EVENTS, Runner, type Services } from '../runtime/runner'
import type { ExecutionRow } from '../store/execution/schema'
import { ExecutionStore, type LogFilter } from '../store/execution/store'
import { MAX_UNFINISHED_WAKES, poisonMessage, WakeLedger } from '../runtime/wake-ledger'
import type { ExecutionInput, ExecutionStatus } from '../domain/types'
import type { RunState } from '../core/state'
import { executionView, nextRunCursor, TASK_RUNS_PAGE, taskRunView } from '../shapes/views'
import type { ExecutionView } from '../shapes/responses'
import { DeletionDeferred, eraseExecution } from './cleanup'
import type {
  ChildEnded,
  ControlResult,
  EventResult,
  Failure,
  Listed,
  Reindexed,
  RemoveResult,
  ReplayRequest,
  ReplayResult,
  StartRequest,
  StartResult,
  TestRunRequest,
  TestRunResult,
} from './contract'
import { acquireSlot, releaseSlot, slotOf } from './coordinators'
import type { SlotRef } from '../core/admission'
import { inputForTrigger } from '../domain/headers-rule'
import { countedEnv, countsRoundTrips, noRoundTrips, type RoundTrips, since } from '../round-trips'
import { invalidInput } from '../flow/input-schema'
import { startLabels } from '../runtime/labels'
import { Secrets } from '../runtime/secrets'
import { TestHarness } from '../runtime/test-harness'
import { runItself } from '../runtime/executor'
import type { Labels } from '../domain/labels'
import { lineSpanId, type TraceRoot, traceRootOf } from '../domain/trace-context'
import { traceFacts, traceMessages } from '../telemetry/trace-facts'
import { TRACE_MESSAGE_BYTES, tracesEndpoint } from '../telemetry/export'
import { log, type LogFields } from '../log'

/** Where the object keeps the trace its caller gave it (README, Traces). */
const TRACE_ROOT_KEY = 'trace-root'
/** How long a flow test may leave its storage behind if it is cut short: its object's alarm then deletes it. */
const TEST_CLEANUP_MS = 5 * 60_000
/** Where a replay keeps the trace of the execution it replays. */
const REPLAYED_TRACE_KEY = 'trace-replayed'

const NOT_FOUND: Failure = { ok: false, code: 'not_found', message: 'no such execution' }

declare module '../env' {
  interface Env {
    /** One per execution. */
    EXECUTIONS: DurableObjectNamespace<ExecutionObject>
  }
}

export class ExecutionObject extends DurableObject<Env> {
  private readonly store: ExecutionStore
  private runner: Runner | null = null
  private readonly wakes: WakeLedger
  /** Settles when no marked work runs (see `marked`). */
  private idle: Promise<void> = Promise.resolve()
  private becameIdle: () => void = () => undefined
  /** The next wake's mark, written ahead when the last wake returned, on disk once this settles (see `marked`). */
  private aheadDurable: Promise<void> = Promise.resolve()
  /** Wakes running in this instance: only the first of overlapping ones is written down. */
  private waking = 0
  /** A start creating the execution, while it asks a coordinator: other starts wait for it. */
  private creating: Promise<void> | null = null
  /** Answers being made (see `answering`). */
  private answers = 0
  /** The round trips this object made, when they are counted (src/round-trips.ts). */
  private readonly roundTrips: RoundTrips | null

  constructor(ctx: DurableObjectState, env: Env) {
    const roundTrips = countsRoundTrips(env) ? noRoundTrips() : null
    super(ctx, roundTrips ? countedEnv(env, roundTrips) : env)
    this.roundTrips = roundTrips
    this.store = new ExecutionStore(ctx.storage)
    this.wakes = new WakeLedger(this.store)
    void ctx.blockConcurrencyWhile(async () => {
      // an object that holds no execution stays empty: reads of unknown ids leave nothing behind
      if (!this.store.exists()) return
      await this.store.open()
      const row = this.store.execution()
      // a flow test cut short (its isolate died): what it left is deleted, never run nor indexed
      if (row?.trigger === 'test') return await this.store.erase()
      if (row) this.runner = await this.load(row)
    })
  }

  private async load(row: ExecutionRow): Promise<Runner> {
    const runner = Runner.load(this.store, this.services, row, await this.ctx.storage.getAlarm())
    runner.flush()
    // sent with the next flush, in the event that needs the runner: I/O started while loading
    // belongs to whichever event created the object and may never complete in another
    runner.repairIndex()
    return runner
  }

  private readonly services: Services = {
    now: () => Date.now(),
    fetch: (input, init) => fetch(input, init),
    act: runItself,
    setAlarm: (at) => void (at === null ? this.ctx.storage.deleteAlarm() : this.ctx.storage.setAlarm(at)),
    wake: () => void this.wake(false),
    waitUntil: (promise) => this.ctx.waitUntil(promise),
    startChild: (parent, runId, childId, request) =>
      startChild(this.env, parent, jurisdictionOfId(this.ctx.id), runId, childId, request, (work) =>
        this.ctx.waitUntil(work),
      ),
    // a child is made in its parent's jurisdiction (objects/stubs.ts startChild moves one whose flow names another)
    newExecutionId: () => newExecutionId(this.env, jurisdictionOfId(this.ctx.id)),
    killChild: async (executionId) => {
      await executionStub(this.env, executionId).kill()
    },
    notifyParent: (row) => notifyParent(this.env, row),
    index: async (row) => {
      await this.env.INDEX_QUEUE.send(upsertMessage(summaryOf(row)))
    },
    holdsIndex: () => this.answers > 0,
    compile: (row) => compiledRevision(row.flowId, row.revision, row.definition),
    env: this.env,
    acquireSlot: (slot, executionId) => acquireSlot(this.env, slot, executionId),
    releaseSlot: (slot, executionId) => releaseSlot(this.env, slot, executionId),
    traceRoot: (executionId) => this.traceRoot(executionId),
    exportTrace: (row, runs) => this.exportTrace(row, runs),
  }

  /** The trace this execution belongs to (its caller's, kept at its start, or its own); null: tracing is off. */
  private traceRoot(executionId: string): TraceRoot | null {
    // both the collector and the queue that carries spans to it (a config without the queue traces nothing)
    if (!tracesEndpoint(this.env) || !this.env.OTEL_QUEUE) return null
    return traceRootOf(executionId, this.ctx.storage.kv.get<TraceRoot>(TRACE_ROOT_KEY) ?? null)
  }

  /** What the Worker's log lines say of this execution (src/log.ts). */
  private logFields(runner: Runner): LogFields {
    const { id, flowId } = runner.exec
    return { executionId: id, flowId, traceId: this.traceRoot(id)?.traceId }
  }

  /**
   * Sends this ended execution's trace to the trace queue as facts, in messages of at most 100 KB of
   * JSON: the queue's consumer encodes them as OTLP spans, off this object's answers. `runs`: every
   * run, kept in memory by the runner that made them; null: read from storage.
   */
  private async exportTrace(row: ExecutionRow, runs: RunState[] | null): Promise<void> {
    const root = this.traceRoot(row.id)
    const queue = this.env.OTEL_QUEUE
    if (!root || !queue) return
    const replayed = this.ctx.storage.kv.get<string>(REPLAYED_TRACE_KEY) ?? null
    const { facts } = traceFacts(row, runs ?? this.store.runs(0, Number.MAX_SAFE_INTEGER), root, replayed)
    const messages = traceMessages(facts, TRACE_MESSAGE_BYTES)
    // one message, nearly always; a batch holds 256 KB: two messages of at most 100 KB each
    if (messages.length === 1) {
      await queue.send(messages[0] as string, { contentType: 'text' })
      return
    }
    for (let at = 0; at < messages.length; at += 2) {
      await queue.sendBatch(messages.slice(at, at + 2).map((body) => ({ body, contentType: 'text' as const })))
    }
  }

  /**
   * Makes an answer: the index writes its work causes wait until it is out (a caller waits for
   * nothing but the object's own storage), and the round trips made meanwhile, when counted,
   * travel back in it.
   */
  private async answering<T extends object>(work: () => Promise<T>): Promise<T> {
    const before = this.roundTrips && { ...this.roundTrips }
    this.answers += 1
    try {
      const answer = await work()
      return before && this.roundTrips ? { ...answer, roundTrips: since(before, this.roundTrips) } : answer
    } finally {
      this.answers -= 1
      // once the answer is out: the flush starts the index write held back
      if (this.answers === 0) setTimeout(() => this.runner?.flush(), 0)
    }
  }

  /** Creates the execution (or finds it, for an idempotent retry) and answers as a trigger should. */
  start(request: StartRequest): Promise<StartResult> {
    return this.answering(() => this.starting(request))
  }

  private async starting(request: StartRequest): Promise<StartResult> {
    const waitMs = request.waitMs ?? 0
    // a start that asks a coordinator awaits it: a second start (an idempotent retry) waits for the first
    while (this.creating) await this.creating
    let runner = this.runner
    const created = runner === null
    if (runner) {
      if (runner.exec.flowId !== request.flowId) {
        return { ok: false, code: 'conflict', message: `execution ${request.executionId} belongs to another flow` }
      }
      if (request.fingerprint !== undefined && runner.fingerprint !== request.fingerprint) {
        return {
          ok: false,
          code: 'idempotency_mismatch',
          message: 'this execution was started by another request',
        }
      }
    } else {
      const creation = this.create(request, waitMs)
      this.creating = creation.then(
        () => undefined,
        () => undefined,
      )
      try {
        const made = await creation
        if (!made.ok) return made
        runner = made.runner
      } finally {
        this.creating = null
      }
    }
    // a start that finds its execution ended (a child found again after a restart) gets its output
    const output = waitMs > 0 ? await runner.waitForOutput(waitMs) : runner.isFinal ? runner.exec.output : null
    const { status, error } = runner.exec
    return { ok: true, executionId: request.executionId, status, output, error, created }
  }

  /**
   * Creates the execution. A body its flow's schema refuses still makes one, which fails at once:
   * every invocation is traced. Under a concurrency limit that rejects, the slot is asked for before
   * anything is written, so a refusal leaves the object empty; under one that queues, the execution is
   * written first (it is listed as it waits) and then asks.
   */
  private async create(request: StartRequest, waitMs: number): Promise<{ ok: true; runner: Runner } | Failure> {
    const { flow, input, labels, refusal } = await this.admitted(request)
    const slot = refusal ? null : await slotOf(flow, { id: request.executionId, ...request }, input)
    if (slot?.onLimit === 'reject') {
      const answer = await acquireSlot(this.env, slot, request.executionId)
      if (answer.outcome === 'rejected') {
        const message = `flow ${request.flowId} already runs ${slot.limit} execution${slot.limit === 1 ? '' : 's'}${flow.concurrency?.key ? ' for this key' : ''}`
        return { ok: false, code: 'rejected', message, retryAfterMs: answer.retryAfterMs }
      }
    }
    await this.store.ensureSchema()
    const row = newExecutionRow(request, input, slot, labels, Date.now())
    this.store.transaction(() => {
      this.store.insertExecution(row)
      this.store.saveRuns(request.reuse?.runs ?? [])
      if (request.trace) this.ctx.storage.kv.put(TRACE_ROOT_KEY, request.trace)
      if (request.replayedTraceId) this.ctx.storage.kv.put(REPLAYED_TRACE_KEY, request.replayedTraceId)
    })
    const runner = (this.runner = Runner.create(this.store, this.services, row, request.reuse !== undefined))
    const start = () => this.guarded((current) => current.start(), runner)
    if (refusal) await this.guarded((current) => current.request({ type: 'invalid', error: refusal }), runner)
    else if (slot?.onLimit === 'queue') {
      const granted = await this.guarded((current) => current.acquireSlot(), runner)
      if (granted && waitMs > 0) await start()
    } else if (waitMs > 0) await this.firstSlice(runner, start)
    else runner.flush()
    return { ok: true, runner }
  }

  /** The input a start gives, its labels, and why the execution fails at once (its flow's schema refuses the body). */
  private async admitted(request: StartRequest) {
    const flow = compiledRevision(request.flowId, request.revision, request.definition)
    const input = inputForTrigger(request.trigger, request.input)
    const issues = flow.input?.check(input.body) ?? []
    const execution = { id: request.executionId, flowId: request.flowId, revision: request.revision }
    const labelled =
      issues.length > 0
        ? null
        : await startLabels(flow, input, execution, new Secrets(this.env, flow.secrets), request.reuse?.runs ?? [])
    const refusal = issues.length > 0 ? invalidInput(issues) : labelled?.ok === false ? labelled.error : null
    return { flow, input, labels: labelled?.ok ? labelled.labels : {}, refusal }
  }

  /**
   * Runs one flow test case as an execution of this fresh object (docs/testing-flows.md): the real
   * runner on the test's services (runtime/test-harness.ts), then everything it wrote is deleted.
   * Never indexed: nothing of it reaches D1 or any queue.
   */
  async runTest(request: TestRunRequest): Promise<TestRunResult> {
    if (this.runner || this.store.exists())
      return { ok: false, code: 'conflict', message: `execution ${request.executionId} exists already` }
    const now = Date.now()
    // a test cut short (a crash) leaves this alarm, whose wake deletes what it wrote
    await this.ctx.storage.setAlarm(now + TEST_CLEANUP_MS)
    const harness = new TestHarness(request.mocks, request.events, now)
    const start: StartRequest = { ...request, trigger: 'test' }
    try {
      const { input, labels, refusal } = await this.admitted(start)
      await this.store.ensureSchema()
      const row = newExecutionRow(start, input, null, labels, now)
      this.store.insertExecution(row)
      const runner = Runner.create(this.store, harness.services(this.services), row, false)
      if (refusal) await runner.request({ type: 'invalid', error: refusal })
      else await harness.drive(runner)
      const observation = harness.observe(runner.snapshot(), this.store)
      runner.dispose()
      return { ok: true, observation }
    } finally {
      await this.store.erase()
    }
  }

  /**
   * A sync start runs its first slice inside the request, as a wake would: with its alarm armed
   * and its mark in the wake ledger committed with the execution itself (one turn's writes), so that
   * a slice that takes the isolate down leaves the execution recorded, woken again by its alarm and
   * failed by the ledger if it keeps crashing — or, dying before that commit, nothing at all and no
   * answer: never an accepted execution lost. It does not wait for the disk before it runs.
   */
  private async firstSlice(runner: Runner, start: () => Promise<void>): Promise<void> {
    runner.flush()
    await this.marked(start, 'with-creation')
  }

  /** The coordinator of this execution's key gave it a slot: it starts. Null status: no such execution. */
  async admit(): Promise<{ status: ExecutionStatus | null }> {
    const runner = this.runner
    if (!runner) return { status: null }
    runner.admit()
    return { status: runner.exec.status }
  }

  /** How the execution stands, for its coordinator's reconciliation (null: no such execution). */
  async slotStatus(): Promise<ExecutionStatus | null> {
    return this.runner?.exec.status ?? null
  }

  override async alarm(): Promise<void> {
    await this.wake(true)
  }

  private async wake(byAlarm: boolean): Promise<void> {
    const runner = this.runner
    if (!runner) return
    try {
      await this.marked(() => runner.wake(byAlarm))
    } catch (error) {
      // a throwing alarm is retried a few times and then dropped: end the execution instead,
      // from what storage holds (memory may hold what could not be written)
      log.error('execution alarm failed', this.logFields(runner), error)
      await (await this.reload())?.request({ type: 'crashed', message: toTaskError(error).message })
    }
    if (runner.expired && this.runner === runner) await this.erase(runner)
  }

  /**
   * Runs `work` written down in the wake ledger: the mark is on disk before the work that might
   * take the isolate down, and crossed out when it returns. Overlapping wakes share one mark. An
   * execution whose wakes died too often in a row is failed instead.
   */
  private async marked(
    work: () => Promise<void>,
    durable: 'with-creation' | 'on-disk-first' = 'on-disk-first',
  ): Promise<void> {
    const runner = this.runner
    if (!runner) return
    if (this.waking++ === 0) {
      const { unfinished, ahead } = this.wakes.begin()
      if (unfinished >= MAX_UNFINISHED_WAKES) {
        this.waking -= 1
        await runner.request({ type: 'crashed', message: poisonMessage(unfinished) })
        this.wakes.finish()
        return
      }
      this.idle = new Promise((resolve) => (this.becameIdle = resolve))
      // a mark written ahead by the wake before was being made durable since: a timer's wake does
      // not wait for the disk (docs/performance.md, Turns: the lateness rows). The first slice's
      // mark is written in the same turn as the execution it runs: the platform commits a turn's
      // writes together, so the mark is on disk whenever the execution is, and a crash before
      // that commit leaves nothing — no execution, no alarm, no answer given — to wake again
      if (durable === 'on-disk-first') await (ahead ? this.aheadDurable : this.ctx.storage.sync())
    }
    try {
      await work()
    } finally {
      if (--this.waking === 0) {
        const next = this.runner === runner && runner.wakesSoon
        const wrote = this.wakes.finish(next)
        // a mark ahead that storage held already needs no wait: this wake waited for it before it
        // ran, or (the first slice's) it is committed with the execution it belongs to, before
        // anything the next wake writes
        if (next) this.aheadDurable = wrote ? this.ctx.storage.sync() : Promise.resolve()
        if (next && wrote) this.ctx.waitUntil(this.aheadDurable)
        this.becameIdle()
      }
    }
    // an alarm that rang during a sync start's slice ends with that slice: were the isolate to die
    // in it, the platform would retry an alarm still running, never one that had returned
    await this.idle
  }

  /** Deletes this final execution for good (an execution still running must be killed first). */
  async remove(): Promise<RemoveResult> {
    const runner = this.runner
    if (!runner) return NOT_FOUND
    const { id, status } = runner.exec
    if (!runner.isFinal) {
      const message = `execution ${id} is ${status}: only an execution that ended can be deleted (kill it first)`
      return { ok: false, code: 'not_final', message }
    }
    if (runner.owesParent) {
      return {
        ok: false,
        code: 'conflict',
        message: `the parent of execution ${id} has not taken its result yet; try again in a moment`,
      }
    }
    runner.expire()
    if (!(await this.erase(runner))) throw new DeletionDeferred(id)
    return { ok: true }
  }

  /**
   * Deletes the execution (see cleanup.ts) with no request running meanwhile: they find no
   * execution and leave nothing behind. False when D1 could not be reached: storage stays.
   */
  private erase(runner: Runner): Promise<boolean> {
    return this.ctx.blockConcurrencyWhile(async () => {
      this.runner = null
      // a send of its summary may still be in flight: the tombstone the deletion leaves outlives it
      // (awaiting it here would deadlock: its answer waits for this block to end)
      runner.dispose()
      try {
        await eraseExecution(this.store, this.env.INDEX_QUEUE, runner.exec)
        return true
      } catch (error) {
        log.error('could not delete the execution', this.logFields(runner), error)
        await this.reload()
        return false
      }
    })
  }

  /**
   * The index asks for the summary again: the queue's dead letters hand back one that never reached
   * D1, or the sweep found a row nobody wrote for a while (`listed`: what that row holds). The
   * summary is sent again unless the index lists this very one; `found` is false when this object
   * holds no execution (deleted), and then stays empty.
   */
  async reindex(listed?: Listed): Promise<Reindexed> {
    const runner = this.runner
    if (!runner) return { found: false, resent: false }
    const { createdAt, version } = runner.exec
    const resent = !listed || listed.createdAt !== createdAt || listed.version < version
    if (resent) runner.reindex()
    return { found: true, resent }
  }

  /** Drops the runner and reads the execution again from storage. */
  private async reload(): Promise<Runner | null> {
    this.runner?.dispose()
    this.runner = null
    const row = this.store.execution()
    if (row) this.runner = await this.load(row)
    return this.runner
  }

  /** Runs a request; if it fails unexpectedly, the next one starts from storage again. */
  private async guarded<T>(work: (runner: Runner) => Promise<T>, runner: Runner): Promise<T> {
    try {
      return await work(runner)
    } catch (error) {
      // a refusal is decided before anything changes: the runner in memory is still the truth
      if (!(error instanceof Refused)) await this.reload()
      throw error
    }
  }

  async detail(): Promise<ExecutionView | null> {
    if (!this.runner) return null
    const row = this.runner.snapshot()
    const runs = this.store.runs(0, TASK_RUNS_PAGE)
    return executionView(
      row,
      runs,
      nextRunCursor(runs, TASK_RUNS_PAGE),
      this.store.metricSums(),
      this.store.countRuns(),
    )
  }

  /**
   * Starts a replay of this (finished) execution as execution `request.executionId` on the given
   * revision, reusing the task runs before the restart point. This execution is not changed.
   */
  async replay(request: ReplayRequest): Promise<ReplayResult> {
    const runner = this.runner
    if (!runner) return NOT_FOUND
    if (!runner.isFinal) {
      return {
        ok: false,
        code: 'conflict',
        message: `execution ${runner.exec.id} is ${runner.exec.status}: only a finished execution can be replayed`,
      }
    }
    const row = runner.snapshot()
    const flow = compiledRevision(row.flowId, request.revision, request.definition)
    let plan: ReplayPlan
    try {
      plan = planReplay(
        { id: row.id, error: row.error, runs: this.store.runs(0, Number.MAX_SAFE_INTEGER) },
        flow,
        request.fromTaskId,
      )
    } catch (error) {
      if (error instanceof ReplayRefused) return { ok: false, code: 'invalid', message: error.message }
      throw error
    }
    const started = await launch(this.env, {
      executionId: request.executionId,
      flowId: row.flowId,
      revision: request.revision,
      definition: request.definition,
      trigger: 'replay',
      // the same body and request details; no headers (the headers rule)
      input: { ...row.input, headers: {}, metadata: { ...row.input.metadata, trigger: 'replay' } },
      replayOf: row.id,
      replayedTraceId: traceRootOf(row.id, this.ctx.storage.kv.get<TraceRoot>(TRACE_ROOT_KEY) ?? null).traceId,
      reuse: plan,
    })
    if (!started.ok) return started
    return {
      ok: true,
      executionId: request.executionId,
      status: started.status,
      fromTaskId: plan.fromTaskId,
      reused: plan.runs.length,
    }
  }

  /** The flow of this execution (null for an ad-hoc run), or null when there is no such execution. */
  async flowId(): Promise<{ flowId: string | null } | null> {
    return this.runner ? { flowId: this.runner.exec.flowId } : null
  }

  async taskRuns(afterId: number, limit: number) {
    if (!this.runner) return null
    this.runner.snapshot()
    const runs = this.store.runs(afterId, limit)
    return { items: runs.map(taskRunView), nextCursor: nextRunCursor(runs, limit) }
  }

  /** Task runs after `afterId` counted by task and status (the dashboard's summaries). */
  async taskRunTotals(afterId: number) {
    if (!this.runner) return null
    this.runner.snapshot()
    return this.store.runTotals(afterId)
  }

  async logs(filter: LogFilter) {
    if (!this.runner) return null
    this.runner.snapshot()
    const lines = this.store.logs(filter)
    const { id } = this.runner.exec
    // the trace and span of each line, while tracing is on: where it shows in the trace viewer
    const root = this.traceRoot(id)
    return {
      items: lines.map((line) => ({
        ...line,
        at: new Date(line.at).toISOString(),
        traceId: root?.traceId ?? null,
        spanId: root ? lineSpanId(id, line.taskRunId, line.attempt) : null,
      })),
      nextCursor: lines.length === filter.limit ? String(lines.at(-1)?.id) : null,
      dropped: this.runner.droppedLogs,
    }
  }

  kill(): Promise<ControlResult> {
    return this.control({ type: 'kill' })
  }

  pause(): Promise<ControlResult> {
    return this.control({ type: 'pause' })
  }

  resume(): Promise<ControlResult> {
    return this.control({ type: 'resume' })
  }

  /** Delivers an event to a `wait` task, now or when the flow reaches it. */
  async event(name: string, payload: unknown): Promise<EventResult> {
    const runner = this.runner
    if (!runner) return NOT_FOUND
    if (runner.isFinal)
      return { ok: false, code: 'conflict', message: `the execution is ${runner.exec.status}; it takes no more events` }
    if (!runner.waitsFor(name))
      return { ok: false, code: 'conflict', message: `the execution has no wait task for event "${name}"` }
    if (!runner.isWaitingFor(name) && !runner.canKeepEvent()) {
      return {
        ok: false,
        code: 'conflict',
        message: `the execution already keeps ${MAX_KEPT_EVENTS} events nobody waits for yet`,
      }
    }
    return this.answering(() =>
      this.guarded(async () => {
        const { delivered } = runner.deliverEvent(name, payload)
        await runner.pump()
        return { ok: true as const, status: runner.exec.status, delivered }
      }, runner),
    )
  }

  /**
   * A child execution of a `subflow` task ended. Not accepted while the task may not have recorded
   * that child yet (its start call in flight): the child tells again later.
   */
  async childEnded(taskRunId: number, child: ChildEnded): Promise<{ accepted: boolean }> {
    const runner = this.runner
    if (!runner) return { accepted: true }
    // a notice from a child nobody waits for any more (its attempt gave up) is taken and dropped
    if (!runner.expectsChild(taskRunId, child.executionId)) return { accepted: !runner.startingChild(taskRunId) }
    const event = {
      type: 'child' as const,
      runId: taskRunId,
      executionId: child.executionId,
      status: child.status as ExecutionStatus,
      output: child.output,
      error: child.error,
    }
    await this.guarded((current) => current.request(event), runner)
    return { accepted: true }
  }

  private control(event: EngineEvent): Promise<ControlResult> {
    return this.answering(async (): Promise<ControlResult> => {
      const runner = this.runner
      if (!runner) return NOT_FOUND
      try {
        await this.guarded((current) => current.request(event), runner)
      } catch (error) {
        if (error instanceof Refused) return { ok: false, code: 'conflict', message: error.message }
        throw error
      }
      return { ok: true, status: runner.exec.status }
    })
  }
}

export function newExecutionRow(
  request: StartRequest,
  input: ExecutionInput,
  slot: SlotRef | null,
  labels: Labels,
  now: number,
): ExecutionRow {
  return {
    id: request.executionId,
    flowId: request.flowId,
    revision: request.revision,
    definition: request.definition,
    mode: request.definition.mode,
    trigger: request.trigger,
    status: 'pending',
    input,
    slot,
    output: request.reuse?.output ?? null,
    error: null,
    vars: request.reuse?.vars ?? {},
    root: { lanes: {}, warned: request.reuse?.warned ?? false },
    startPosition: request.reuse?.startPosition ?? 0,
    paused: false,
    nextRunId: (request.reuse?.runs.length ?? 0) + 1,
    version: 1,
    indexedVersion: 0,
    createdAt: now,
    startedAt: null,
    endedAt: null,
    wakeAt: null,
    replayOf: request.replayOf ?? null,
    parentExecutionId: request.parent?.executionId ?? null,
    parentTaskRunId: request.parent?.taskRunId ?? null,
    depth: request.parent?.depth ?? 0,
    labels,
    reactsTo: request.reaction?.executionId ?? null,
    reactionDepth: request.reaction?.depth ?? 0,
    fingerprint: request.fingerprint ?? null,
    droppedLogs: 0,
  }
}
