import { describe, expect, it } from 'vitest'
import { ExecutionRecord, replayCase, replayChanges } from '../../src/flowtest/replay'

const record = ExecutionRecord.parse({
  id: 'ex1',
  flowId: 'f',
  revision: 2,
  status: 'completed',
  input: { body: { n: 1 }, headers: { 'x-a': 'b' } },
  taskRuns: [
    {
      id: 1,
      taskId: 'call',
      type: 'http',
      status: 'completed',
      output: { status: 200 },
      attempts: [
        { number: 1, status: 'failed', input: { url: 'u' }, error: { type: 'http_error', message: '503' } },
        { number: 2, status: 'completed', input: { url: 'u' } },
      ],
    },
    {
      id: 2,
      taskId: 'note',
      type: 'log',
      status: 'completed',
      output: null,
      attempts: [{ number: 1, status: 'completed' }],
    },
    { id: 3, taskId: 'old', type: 'set', status: 'completed', output: { a: 1 }, attempts: [] },
  ],
})

describe('replay', () => {
  it("makes a case of the record: its input, and its I/O tasks' attempts as mocks", () => {
    expect(replayCase(record)).toEqual({
      name: 'replay of ex1',
      input: { body: { n: 1 }, headers: { 'x-a': 'b' } },
      mocks: {
        tasks: {
          call: [{ status: 'failed', error: { type: 'http_error', message: '503' } }, { output: { status: 200 } }],
        },
        http: [],
      },
      events: [],
      expect: {},
    })
  })

  it('says per task what changed: same, changed (which fields), new, gone', () => {
    const run = { error: null, attempts: 1 }
    const changes = replayChanges(record.taskRuns, [
      { ...run, id: 1, taskId: 'call', status: 'completed', output: { status: 200 }, input: { url: 'v' } },
      { ...run, id: 2, taskId: 'note', status: 'completed', output: null, input: null },
      { ...run, id: 3, taskId: 'fresh', status: 'failed', output: null, input: null },
    ])
    expect(changes.map(({ taskId, change, fields }) => ({ taskId, change, fields }))).toEqual([
      { taskId: 'call', change: 'changed', fields: ['input'] },
      { taskId: 'note', change: 'same', fields: [] },
      { taskId: 'old', change: 'gone', fields: [] },
      { taskId: 'fresh', change: 'new', fields: [] },
    ])
  })
})
