import { afterEach, describe, expect, it, vi } from 'vitest'
import { EdgeflowError, type Execution, type ExecutionStatus } from '../../src/client/index'
import { type Poll, waitFor } from '../../src/client/wait'

const FAST = { initialMs: 1, maxMs: 4, factor: 2 }

/** A poll answering these statuses in turn (the last one again and again), or throwing what is given. */
function polls(answers: (ExecutionStatus | EdgeflowError)[]): Poll & { count: number } {
  const poll = Object.assign(
    async () => {
      const answer = answers[Math.min(poll.count++, answers.length - 1)]
      if (answer instanceof EdgeflowError) throw answer
      return { execution: { id: 'e1', status: answer } as Execution, retryAfterMs: null }
    },
    { count: 0 },
  )
  return poll
}

const apiError = (status: number, code: string) =>
  new EdgeflowError({ type: 'api', status, code, message: code, issues: [], executionId: null, retryAfterMs: 0 })
const busy = () => apiError(503, 'http_503')

describe('waitFor', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves reached when the execution is in a status asked for', async () => {
    const poll = polls(['pending', 'running', 'waiting'])
    expect(await waitFor('e1', poll, { status: ['waiting', 'paused'], backoff: FAST })).toMatchObject({
      reached: true,
      status: 'waiting',
    })
    expect(poll.count).toBe(3)
  })

  it('resolves not reached, saying which, when the execution ended in another status', async () => {
    expect(await waitFor('e1', polls(['running', 'failed']), { status: 'completed', backoff: FAST })).toMatchObject({
      reached: false,
      status: 'failed',
    })
  })

  it('waits for any final status by default', async () => {
    expect(await waitFor('e1', polls(['running', 'killing', 'killed']), { backoff: FAST })).toMatchObject({
      reached: true,
      status: 'killed',
    })
  })

  it('polls again after an answer that says not now, and rethrows any other at once', async () => {
    const poll = polls([busy(), busy(), 'completed'])
    expect((await waitFor('e1', poll, { backoff: FAST })).status).toBe('completed')
    expect(poll.count).toBe(3)
    const notFound = new EdgeflowError({
      ...busy().problem,
      status: 404,
      code: 'not_found',
    } as EdgeflowError['problem'])
    await expect(waitFor('e1', polls([notFound]), { backoff: FAST })).rejects.toBe(notFound)
  })

  it('rejects with a timeout problem naming the last status, polling once more at the deadline', async () => {
    // on a clock the test moves: a busy machine's late timer cannot skip a poll
    vi.useFakeTimers()
    const poll = polls(['delayed'])
    const waiting = waitFor('e1', poll, { timeoutMs: 30, backoff: { initialMs: 20, maxMs: 20, factor: 1 } }).catch(
      (error: unknown) => error,
    )
    await vi.runAllTimersAsync()
    const error = await waiting
    expect(error).toBeInstanceOf(EdgeflowError)
    expect((error as EdgeflowError).problem).toMatchObject({
      type: 'timeout',
      executionId: 'e1',
      lastStatus: 'delayed',
    })
    // at 0 and 20 ms, then at the 30 ms deadline
    expect(poll.count).toBe(3)
  })

  it('rejects with the reason of an aborted signal', async () => {
    const controller = new AbortController()
    const waiting = waitFor('e1', polls(['running']), {
      signal: controller.signal,
      backoff: { ...FAST, initialMs: 10_000 },
    })
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
  })
})
