import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ExecutionObject } from '../../src/objects/execution-object'
import { call, execution, finished, json } from '../helpers/api'
import { start, stubOf } from '../helpers/engine'

/** How many task runs the object holds in memory (its active runs). */
const activeRuns = (executionId: string) =>
  runInDurableObject(
    stubOf(executionId) as DurableObjectStub<ExecutionObject>,
    (object) => (object as unknown as { runner: { state: { runs: Map<number, unknown> } } }).runner.state.runs.size,
  )

describe('a foreach over 10,000 items', () => {
  it('completes in slices holding only the active runs in memory; the detail pages its task runs and the logs stay bounded', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1..10000]',
          concurrency: 10,
          tasks: [{ id: 'square', type: 'set', values: { last: '{{ item * item }}' } }],
        },
      ],
    })
    const held: number[] = []
    let detail = await execution(executionId)
    while (!finished(detail)) {
      held.push(await activeRuns(executionId))
      detail = await execution(executionId)
    }
    expect(detail.status).toBe('completed')
    expect(detail.taskRunCount).toBe(10_001)
    expect(Math.max(...held)).toBeLessThanOrEqual(11)
    expect(detail.taskRuns).toHaveLength(500)
    expect(detail.taskRunsCursor).toBe('500')
    const output = detail.taskRuns[0].output
    expect(output).toHaveLength(10_000)
    expect(output[9_999]).toEqual({ last: 100_000_000 })
    // logs are bounded: the oldest lines are kept and the rest counted
    expect(detail.droppedLogs).toBeGreaterThan(0)
    const logs = await json(call('GET', `/api/executions/${executionId}/logs?limit=1`))
    expect(logs.items[0].message).toMatch(/^execution started/)
    expect(logs.dropped).toBe(detail.droppedLogs)
    const page = await json(call('GET', `/api/executions/${executionId}/task-runs?cursor=9990`))
    expect(page.items.map((run: { iteration: number }) => run.iteration)).toEqual([
      9989, 9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999,
    ])
  }, 120_000)
})
