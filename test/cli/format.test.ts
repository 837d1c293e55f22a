import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  duration,
  executionsTable,
  logText,
  metricsText,
  oneLine,
  table,
  taskRunsTable,
  when,
} from '../../src/cli/format.ts'
import { shortIdLength } from '../../src/cli/short-ids.ts'
import { flowFiles, pushResult } from '../../src/cli/push.ts'
import { summary, taskRun } from './samples.ts'

describe('table', () => {
  it('pads each column to its widest cell and leaves the last one unpadded', () => {
    assert.equal(
      table(
        ['ID', 'STATUS', 'NOTE'],
        [
          ['a', 'completed', ''],
          ['bbbb', 'failed', 'timeout'],
        ],
      ),
      ['ID    STATUS     NOTE', 'a     completed', 'bbbb  failed     timeout'].join('\n'),
    )
  })
})

describe('times, durations and values', () => {
  it('shows ISO times as UTC date and time, or -', () => {
    assert.equal(when('2026-12-02T03:00:01.123Z'), '2026-12-02 03:00:01')
    assert.equal(when('2026-12-02T03:00:01Z'), '2026-12-02 03:00:01')
    assert.equal(when(null), '-')
  })

  it('shows durations in the unit a person reads', () => {
    assert.deepEqual([0, 38, 999, 1000, 1234, 59_999, 60_000, 182_000, 3_780_000, null].map(duration), [
      '0ms',
      '38ms',
      '999ms',
      '1.0s',
      '1.2s',
      '60.0s',
      '1m 00s',
      '3m 02s',
      '1h 03m',
      '-',
    ])
  })

  it('shows metrics by name, durations in their unit', () => {
    assert.equal(
      metricsText([
        { name: 'taskRuns.duration', type: 'duration', value: 1234 },
        { name: 'http.response.bytes', type: 'counter', value: 512 },
      ]),
      'taskRuns.duration 1.2s · http.response.bytes 512',
    )
  })

  it('cuts long JSON on one line', () => {
    assert.equal(oneLine({ a: 1 }), '{"a":1}')
    assert.equal(oneLine('x'.repeat(100), 10), `"${'x'.repeat(8)}…`)
  })
})

describe('executions and task runs', () => {
  it('lists executions with their error', () => {
    const text = executionsTable([
      summary({ id: 'e1', status: 'completed', durationMs: 38 }),
      summary({ id: 'e2', status: 'failed', error: { type: 'expression_error', taskId: 'compute', message: 'bad' } }),
      summary({ id: 'e3', flowId: null }),
    ])
    const [header, first, second, third] = text.split('\n')
    assert.match(header ?? '', /^ID +FLOW +REV +STATUS +TRIGGER +CREATED +DURATION +ERROR$/)
    assert.match(first ?? '', /^e1 +greet +1 +completed +manual +2026-12-02 03:00:00 +38ms$/)
    assert.match(second ?? '', /failed .* expression_error at compute: bad$/)
    assert.match(third ?? '', /^e3 +\(ad-hoc\)/)
  })

  it('shows each id by the prefix that tells the listed ones apart, 8 characters at least', () => {
    const ids = ['0123456789abcdef', '0123456789abffff', 'ffffffffffffffff']
    const [, ...rows] = executionsTable(ids.map((id) => summary({ id }))).split('\n')
    assert.deepEqual(
      rows.map((row) => row.split(' ')[0]),
      ['0123456789abc', '0123456789abf', 'fffffffffffff'],
    )
    assert.equal(shortIdLength(['aaaaaaaa1', 'bbbbbbbb2']), 8)
    assert.equal(shortIdLength(['abc', 'abcd']), 8)
    assert.equal(shortIdLength([]), 8)
  })

  it('says what each task run waits for, sleeps until, or failed with, nested runs indented', () => {
    const text = taskRunsTable([
      taskRun({ id: 1, taskId: 'approval', status: 'waiting', waitingFor: 'approved' }),
      taskRun({ id: 2, taskId: 'pause', type: 'delay', status: 'delayed', wakeAt: '2026-12-02T03:05:00.000Z' }),
      taskRun({ id: 3, taskId: 'call', status: 'failed', error: { type: 'http_error', message: 'answered 503' } }),
      taskRun({ id: 4, taskId: 'inner', parentTaskRunId: 3, reused: true, status: 'completed' }),
    ])
    const lines = text.split('\n')
    assert.match(lines[1] ?? '', /waiting for event approved$/)
    assert.match(lines[2] ?? '', /wakes at 2026-12-02 03:05:00$/)
    assert.match(lines[3] ?? '', /http_error: answered 503$/)
    assert.match(lines[4] ?? '', /^4 +  inner .* reused$/)
  })

  it('says which handler a task run starts, and which run a compensation undoes', () => {
    const text = taskRunsTable([
      taskRun({ id: 5, taskId: 'alert', handler: 'errors', status: 'completed' }),
      taskRun({
        id: 6,
        taskId: 'refund',
        handler: 'compensate',
        compensates: 2,
        status: 'failed',
        error: { type: 'http_error', message: 'answered 503' },
      }),
      taskRun({ id: 7, taskId: 'outcome', handler: 'finally', status: 'completed' }),
    ])
    const lines = text.split('\n')
    assert.match(lines[1] ?? '', /on errors$/)
    assert.match(lines[2] ?? '', /undoes run 2 · http_error: answered 503$/)
    assert.match(lines[3] ?? '', /finally$/)
  })
})

describe('flows push', () => {
  it('takes the .json, .yaml and .yml files of a folder, by name, the flow id from the name', () => {
    const found = flowFiles(['b.yaml', 'README.md', 'a.json', 'c.YML', '.hidden.json', 'noext'])
    assert.deepEqual(found, {
      ok: true,
      files: [
        { file: 'a.json', flowId: 'a', format: 'json' },
        { file: 'b.yaml', flowId: 'b', format: 'yaml' },
        { file: 'c.YML', flowId: 'c', format: 'yaml' },
      ],
      skipped: [],
    })
  })

  it('skips the files whose name is no flow id', () => {
    const found = flowFiles(['orders-fixed.json', 'orders.json', '1st.yaml'])
    assert.deepEqual(found, {
      ok: true,
      files: [{ file: 'orders.json', flowId: 'orders', format: 'json' }],
      skipped: ['1st.yaml', 'orders-fixed.json'],
    })
  })

  it('refuses two files naming one flow', () => {
    assert.deepEqual(flowFiles(['greet.json', 'greet.yaml']), {
      ok: false,
      message: 'two files name flow greet: keep one',
    })
  })

  it('reads created, updated and unchanged from the answer', () => {
    assert.equal(pushResult({ created: true, changed: true }), 'created')
    assert.equal(pushResult({ created: false, changed: true }), 'updated')
    assert.equal(pushResult({ created: false, changed: false }), 'unchanged')
  })
})

describe('logText', () => {
  it('aligns the columns: time, level, task, message', () => {
    const line = (level: 'info' | 'error', taskId: string | null, message: string) => ({
      id: 1,
      at: '2026-12-02T03:00:00.000Z',
      level,
      taskId,
      taskRunId: null,
      attempt: null,
      traceId: null,
      spanId: null,
      message,
    })
    const text = logText([line('info', 'a', 'one'), line('error', 'a-long-task', 'two'), line('info', null, 'three')])
    const starts = text.split('\n').map((row) => row.search(/one|two|three/))
    assert.deepEqual(starts, [starts[0], starts[0], starts[0]], text)
  })
})
