/**
 * @module The shell of a flow test (docs/testing-flows.md): the runner's services for an execution
 * that runs the real compile, core, runner and actions with its I/O mocked. Time is virtual — when
 * nothing is left to do now, the clock jumps to the next timer, so a one-day delay takes no time —
 * mocked tasks answer from their mocks, http requests reach only the case's mocks (any other is
 * refused and reported), no child execution starts, nothing is indexed, traced or told.
 */
import { failed } from '../actions/define'
import { TaskFailure } from '../domain/errors'
import type { Mocks, TestEvent } from '../flowtest/document'
import { httpMockFor, mockDelayMs, mockedResult, mockResponse, taskMockFor } from '../flowtest/mocks'
import type { Observation, ObservedRequest } from '../flowtest/observation'
import type { ExecutionRow } from '../store/execution/schema'
import type { ExecutionStore } from '../store/execution/store'
import type { ActionPort } from './executor'
import type { Runner, Services } from './runner'

/** Wakes a test drives at most: a flow that keeps timers going for ever ends there. */
export const MAX_TEST_WAKES = 10_000

/** Log lines a test reports at most. */
export const MAX_TEST_LOGS = 1_000

/** A mocked response on its way: it arrives when the virtual clock reaches `at`. */
interface Sleeper {
  at: number
  arrive(): void
}

export class TestHarness {
  private clock: number
  private armedAt: number | null = null
  private readonly pending = new Set<Promise<unknown>>()
  /** Responses of delayed http mocks not arrived yet: the work awaiting them is idle, not in flight. */
  private readonly sleepers = new Set<Sleeper>()
  /** Wakes `settled` when work ends or starts sleeping. */
  private changed: (() => void) | null = null
  private readonly events: TestEvent[]
  readonly requests: ObservedRequest[] = []
  readonly unmocked: { taskId: string; call: string }[] = []
  /** Work handed to waitUntil that threw: in production the platform logs it; a test reports it. */
  readonly crashes: string[] = []

  constructor(
    private readonly mocks: Mocks,
    events: readonly TestEvent[],
    private readonly startedAt: number,
  ) {
    this.clock = startedAt
    this.events = [...events]
  }

  /** Virtual time the execution took so far. */
  get virtualMs(): number {
    return this.clock - this.startedAt
  }

  /** Names of the case's events no `wait` task took. */
  get undelivered(): string[] {
    return this.events.map((event) => event.name)
  }

  /** The runner's services: the execution's own compile, ids and env; everything else the test's. */
  services(base: Pick<Services, 'compile' | 'newExecutionId' | 'env'>): Services {
    const none = async () => undefined
    return {
      ...base,
      now: () => this.clock,
      fetch: async (input) => {
        throw new TaskFailure('internal', `a flow test calls no network (${String(input)})`)
      },
      act: this.act,
      setAlarm: (at) => {
        this.armedAt = at
      },
      wake: () => undefined,
      waitUntil: (promise) => this.track(promise),
      startChild: async () => {
        throw new TaskFailure('validation_error', 'a flow test starts no child execution: mock the subflow task')
      },
      killChild: none,
      notifyParent: none,
      index: none,
      holdsIndex: () => false,
      acquireSlot: async () => ({ outcome: 'granted' }),
      releaseSlot: none,
      traceRoot: () => null,
      exportTrace: none,
    }
  }

  /** A mocked task answers from its mock; any other runs, its http requests answered by the http mocks. */
  private readonly act: ActionPort = (task, params, context) => {
    const { taskId, attempt } = context.taskRun
    const mock = taskMockFor(this.mocks, taskId, attempt)
    if (mock) return mockedResult(mock)
    if (task.task.type === 'subflow') {
      this.unmocked.push({ taskId, call: `subflow ${String(params.flowId ?? '')}`.trim() })
      return failed('validation_error', `subflow task ${taskId} has no mock: a flow test starts no child execution`)
    }
    return task.action.run(params, { ...context, fetch: this.fetchFor(taskId) }, task.task)
  }

  private fetchFor(taskId: string): typeof fetch {
    return async (input, init) => {
      const request = new Request(input, init)
      const mock = httpMockFor(this.mocks.http, request.method, request.url)
      this.requests.push({ taskId, method: request.method, url: request.url, mocked: mock !== null })
      if (mock) {
        await this.sleep(mockDelayMs(mock), init?.signal ?? request.signal)
        return mockResponse(mock)
      }
      this.unmocked.push({ taskId, call: `${request.method} ${request.url}` })
      throw new Error(`no mock matches ${request.method} ${request.url} (a flow test calls no network)`)
    }
  }

  /**
   * Resolves once the virtual clock has moved `ms` on, or rejects as fetch does when `signal`
   * aborts first (the attempt timed out, the execution was killed).
   */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const abort = () => {
        this.sleepers.delete(sleeper)
        this.notify()
        reject(signal.reason)
      }
      const sleeper: Sleeper = {
        at: this.clock + ms,
        arrive: () => {
          signal.removeEventListener('abort', abort)
          resolve()
        },
      }
      signal.addEventListener('abort', abort, { once: true })
      this.sleepers.add(sleeper)
      this.notify()
    })
  }

  private notify(): void {
    const changed = this.changed
    this.changed = null
    changed?.()
  }

  private track(promise: Promise<unknown>): void {
    const tracked: Promise<unknown> = promise
      .catch((error: unknown) => {
        this.crashes.push(error instanceof Error ? error.message : String(error))
      })
      .finally(() => {
        this.pending.delete(tracked)
        this.notify()
      })
    this.pending.add(tracked)
  }

  /**
   * Awaits `work`, then everything it handed on, until nothing is in flight: each piece of work
   * handed on has ended or awaits a delayed response (one each at most), which only the clock moves.
   */
  private async settled(work: Promise<void>): Promise<void> {
    await work
    while (this.pending.size > this.sleepers.size) await new Promise<void>((resolve) => (this.changed = resolve))
  }

  /** The delayed response due first, if it is due before the alarm (a timeout due at the same moment wins). */
  private firstArrival(alarm: number | null): Sleeper | null {
    let first: Sleeper | null = null
    for (const sleeper of this.sleepers) if (first === null || sleeper.at < first.at) first = sleeper
    return first !== null && (alarm === null || first.at < alarm) ? first : null
  }

  /**
   * Runs the execution until it ends, or nothing is left to happen: events go to the `wait` tasks
   * that listen for them as they are reached, and when nothing runs the clock jumps to the alarm.
   */
  async drive(runner: Runner): Promise<void> {
    await this.settled(runner.start())
    for (let wakes = 0; wakes < MAX_TEST_WAKES && !runner.isFinal; wakes++) {
      const index = this.events.findIndex((event) => runner.isWaitingFor(event.name))
      const [event] = index === -1 ? [] : this.events.splice(index, 1)
      if (event) {
        runner.deliverEvent(event.name, event.payload ?? null)
        await this.settled(runner.pump())
        continue
      }
      const at = this.armedAt
      const arrival = this.firstArrival(at)
      if (arrival) {
        this.clock = Math.max(this.clock, arrival.at)
        this.sleepers.delete(arrival)
        arrival.arrive()
        await this.settled(Promise.resolve())
        continue
      }
      // nothing will ever happen: a wait for an event the case does not give, and no timeout
      if (at === null) return
      this.clock = Math.max(this.clock, at)
      // the platform's alarm clears as it rings
      this.armedAt = null
      await this.settled(runner.wake(true))
    }
  }

  /** What the execution did, read back from its storage once it ran. */
  observe(row: ExecutionRow, store: ExecutionStore): Observation {
    const runs = store.runs(0, Number.MAX_SAFE_INTEGER).map((run) => ({
      id: run.id,
      taskId: run.taskId,
      status: run.status,
      output: run.output,
      error: run.error,
      attempts: run.attempts.length,
      input: run.attempts.at(-1)?.input ?? null,
    }))
    const logs = store
      .logs({ afterId: 0, limit: MAX_TEST_LOGS })
      .map((line) => ({ level: line.level, taskId: line.taskId, message: line.message }))
    for (const crash of this.crashes) logs.push({ level: 'error', taskId: null, message: crash })
    return {
      status: row.status,
      output: row.output,
      error: row.error,
      vars: row.vars,
      labels: row.labels,
      runs,
      logs,
      requests: this.requests,
      unmocked: this.unmocked,
      undelivered: this.undelivered,
      virtualMs: this.virtualMs,
    }
  }
}
