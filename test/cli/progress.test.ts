import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fitted, Progress, progressText } from '../../src/cli/progress.ts'
import { execution, taskRun } from './samples.ts'

const approval = (status: 'running' | 'waiting' | 'completed') =>
  execution({
    status,
    taskRunCount: 2,
    taskRuns: [
      taskRun({ id: 1, taskId: 'request', status: 'completed' }),
      taskRun({
        id: 2,
        taskId: 'approval',
        type: 'wait',
        status: status === 'completed' ? 'completed' : status,
        waitingFor: status === 'waiting' ? 'approved' : null,
      }),
    ],
  })

/** A stream that keeps what is written. */
const stream = (isTTY: boolean) => {
  const writes: string[] = []
  return { isTTY, columns: 60, writes, write: (text: string) => writes.push(text) }
}

describe('progressText', () => {
  it('says the status, the task runs ended, the time and what the execution waits for', () => {
    assert.equal(
      progressText(approval('waiting'), 1234),
      'waiting · 1/2 task runs ended · 1.2s · waiting for event approved',
    )
    assert.equal(progressText(approval('running'), 0), 'running · 1/2 task runs ended · 0ms · running approval')
    assert.equal(
      progressText(execution({ status: 'delayed', wakeAt: '2026-12-02T03:05:00.000Z' }), 5000),
      'delayed · 0/0 task runs ended · 5.0s · wakes at 2026-12-02 03:05:00',
    )
  })
})

describe('Progress', () => {
  it('redraws one line on a terminal, cut to its width', () => {
    const terminal = stream(true)
    const progress = new Progress(terminal, () => 0)
    progress.update(approval('running'))
    progress.update(approval('running'))
    progress.end()
    assert.equal(terminal.writes.length, 3)
    assert.ok(terminal.writes.slice(0, 2).every((line) => line.startsWith('\r\x1b[2K') && !line.includes('\n')))
    assert.ok(terminal.writes.every((line) => line.length <= 59 + '\r\x1b[2K'.length))
    assert.equal(terminal.writes[2], '\r\x1b[2K')
  })

  it('fits a narrow terminal: cut to its width less one column, marked with …', () => {
    const narrow = { ...stream(true), columns: 20 }
    const progress = new Progress(narrow, () => 0)
    progress.update(approval('waiting'))
    progress.end()
    const drawn = (narrow.writes[0] ?? '').replace('\r\x1b[2K', '')
    assert.equal(Array.from(drawn).length, 19)
    assert.ok(drawn.endsWith('…'), drawn)
    assert.equal(fitted('short', 20), 'short')
    assert.equal(fitted('abcdef', 4), 'ab…')
  })

  it('prints a line per change of status elsewhere', () => {
    const log = stream(false)
    const progress = new Progress(log, () => 0)
    for (const status of ['running', 'running', 'waiting', 'waiting', 'completed'] as const)
      progress.update(approval(status))
    progress.end()
    assert.deepEqual(log.writes, [
      'e1 running · 1/2 task runs ended · 0ms · running approval\n',
      'e1 waiting · 1/2 task runs ended · 0ms · waiting for event approved\n',
      'e1 completed · 2/2 task runs ended · 0ms\n',
    ])
  })
})
