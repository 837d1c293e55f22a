import { describe, expect, it } from 'vitest'
import { groupLogLines } from '../../../src/dashboard/core/log-groups'

const line = (id: number, taskRunId: number | null, attempt: number | null, taskId: string | null = 'a') => ({
  id,
  taskId: taskRunId === null ? null : taskId,
  taskRunId,
  attempt,
})

describe('groupLogLines', () => {
  it('groups interleaved lines by run and attempt, in the order of their first line', () => {
    const lines = [
      line(1, null, null),
      line(2, 1, 1),
      line(3, 2, 1, 'b'),
      line(4, 1, 1),
      line(5, 1, 2),
      line(6, null, null),
    ]
    const groups = groupLogLines(lines)
    expect(groups.map((group) => [group.key, group.lines.map((l) => l.id)])).toEqual([
      ['execution', [1, 6]],
      ['run-1-attempt-1', [2, 4]],
      ['run-2-attempt-1', [3]],
      ['run-1-attempt-2', [5]],
    ])
    expect(groups[2]).toMatchObject({ taskId: 'b', taskRunId: 2, attempt: 1 })
  })

  it("keeps a run's lines before any attempt apart from its attempts', and nothing for no lines", () => {
    expect(groupLogLines([line(1, 3, null), line(2, 3, 1)]).map((group) => group.key)).toEqual([
      'run-3',
      'run-3-attempt-1',
    ])
    expect(groupLogLines([])).toEqual([])
  })
})
