/**
 * @module `waitFor`: poll an execution until it reaches a status, or ends in another one, or time
 * runs out. The delays between polls come from backoff.ts; answers that say "not now" (429, 502,
 * 503, 504, no answer at all) are polled again, anything else is the caller's to see.
 */
import { type Backoff, pollDelay } from './backoff.ts'
import { EdgeflowError } from './errors.ts'
import type { Execution, ExecutionStatus } from './types.ts'

/** The statuses an execution never leaves. */
export const FINAL_STATUSES = ['completed', 'warning', 'failed', 'killed'] as const satisfies ExecutionStatus[]
export type FinalStatus = (typeof FINAL_STATUSES)[number]

export const isFinal = (status: ExecutionStatus): status is FinalStatus =>
  (FINAL_STATUSES as readonly ExecutionStatus[]).includes(status)

export interface WaitOptions {
  /** The status (or any of the statuses) to wait for; default: any final status. */
  status?: ExecutionStatus | ExecutionStatus[]
  /** Give up after this long (default 10 minutes): the promise rejects with a `timeout` problem. */
  timeoutMs?: number
  /** Stop waiting: the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** Called with the execution after every poll (a progress display). */
  onPoll?: (execution: Execution) => void
  backoff?: Backoff
}

/**
 * How a wait ended: `reached` when the execution is in a status asked for; otherwise it ended, final,
 * in `status`, which was not asked for (waiting for `completed`, it `failed`).
 */
export interface WaitResult {
  reached: boolean
  status: ExecutionStatus
  execution: Execution
}

/** One poll: the execution, and how long the server asked to wait before the next (`Retry-After`). */
export type Poll = (signal: AbortSignal | undefined) => Promise<{ execution: Execution; retryAfterMs: number | null }>

export const DEFAULT_WAIT_MS = 10 * 60_000

const TRANSIENT = new Set([429, 502, 503, 504])

/** A problem worth polling again after: the server was busy or unreachable for a moment. */
const transient = (error: unknown): error is EdgeflowError =>
  error instanceof EdgeflowError &&
  (error.problem.type === 'network' || (error.problem.type === 'api' && TRANSIENT.has(error.problem.status)))

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const abort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', abort, { once: true })
  })
}

export async function waitFor(executionId: string, poll: Poll, options: WaitOptions = {}): Promise<WaitResult> {
  const wanted = options.status === undefined ? [...FINAL_STATUSES] : [options.status].flat()
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS)
  let last: Execution | null = null
  for (let polls = 1; ; polls++) {
    let retryAfter: number | null = null
    try {
      const answer = await poll(options.signal)
      last = answer.execution
      retryAfter = answer.retryAfterMs
      options.onPoll?.(last)
      if (wanted.includes(last.status)) return { reached: true, status: last.status, execution: last }
      if (isFinal(last.status)) return { reached: false, status: last.status, execution: last }
    } catch (error) {
      if (!transient(error)) throw error
      retryAfter = error.problem.type === 'api' ? error.problem.retryAfterMs : null
    }
    const remaining = deadline - Date.now()
    if (remaining <= 0) {
      const lastStatus = last?.status ?? null
      const message = `execution ${executionId} is still ${lastStatus ?? 'unknown'} after ${options.timeoutMs ?? DEFAULT_WAIT_MS} ms; waited for ${wanted.join(' or ')}`
      throw new EdgeflowError({ type: 'timeout', message, executionId, lastStatus })
    }
    await sleep(pollDelay(polls, retryAfter, remaining, options.backoff), options.signal)
  }
}
