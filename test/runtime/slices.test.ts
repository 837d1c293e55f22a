import { describe, expect, it } from 'vitest'
import { TURN_TASKS } from '../../src/flow/turns'
import { SLICE_TASKS } from '../../src/runtime/executor'
import { call, execution, finished, json, putFlow, uniqueId } from '../helpers/api'

describe('bounded slices', () => {
  it('run a 2,000-task flow giving the event loop a turn every TURN_TASKS tasks of literal values while a request is in flight, answering it between turns', async () => {
    const id = uniqueId()
    const tasks = Array.from({ length: 2000 }, (_, index) => ({ id: `t${index}`, type: 'set', values: { n: index } }))
    await putFlow(id, { tasks })
    const response = await call('POST', `/hooks/${id}`, {})
    expect(response.status).toBe(202)
    const { executionId } = await json(response)
    const seenWhileRunning: number[] = []
    let detail = await execution(executionId)
    while (!finished(detail)) {
      if (detail.status === 'running' && detail.taskRunCount > 0) seenWhileRunning.push(detail.taskRunCount)
      detail = await execution(executionId)
    }
    expect(detail).toMatchObject({ status: 'completed', vars: { n: 1999 }, taskRunCount: 2000 })
    expect(seenWhileRunning.length).toBeGreaterThan(0)
    // a request lands between turns: TURN_TASKS more runs done each time and the next one created
    for (const count of seenWhileRunning) expect(count % TURN_TASKS).toBe(1)
    // and within a slice, not only between slices: the poll in flight is seen by the running flow
    expect(seenWhileRunning.some((count) => count % SLICE_TASKS !== 1)).toBe(true)
    expect(detail.taskRuns).toHaveLength(500)
    expect(detail.taskRunsCursor).toBe('500')
    const last = await json(call('GET', `/api/executions/${executionId}/task-runs?cursor=1900`))
    expect(last.items.map((run: { taskId: string }) => run.taskId)).toEqual(
      Array.from({ length: 100 }, (_, i) => `t${1900 + i}`),
    )
    expect(last.nextCursor).toBeNull()
  })
})
