import { describe, expect, it } from 'vitest'
import { finalOutput } from '../../src/core/output'
import type { ExecutionError, Output } from '../../src/domain/types'

const error: ExecutionError = {
  taskId: 'call',
  taskRunId: 3,
  type: 'http_error',
  message: 'GET x answered 503',
  attempt: 2,
}
const decided: Output = { status: 201, body: { id: 7 }, headers: { 'x-id': '7' } }

describe('finalOutput (DESIGN §4)', () => {
  it('answers 200 with an empty body for a sync flow that decided nothing', () => {
    expect(finalOutput('sync', 'completed', null, null)).toEqual({ status: 200, body: {}, headers: {} })
  })

  it('answers 202 with an empty body for an async flow that decided nothing', () => {
    expect(finalOutput('async', 'completed', null, null)).toEqual({ status: 202, body: {}, headers: {} })
  })

  it('uses the same defaults when the execution ends with a warning', () => {
    expect(finalOutput('sync', 'warning', null, null)).toEqual({ status: 200, body: {}, headers: {} })
    expect(finalOutput('async', 'warning', null, null)).toEqual({ status: 202, body: {}, headers: {} })
  })

  it('keeps the output decided by a return task', () => {
    expect(finalOutput('sync', 'completed', decided, null)).toBe(decided)
    expect(finalOutput('async', 'warning', decided, null)).toBe(decided)
  })

  it('answers 500 with the error when the execution failed, whatever was decided', () => {
    const expected = { status: 500, body: { error: { code: 'execution_failed', ...error } }, headers: {} }
    expect(finalOutput('sync', 'failed', null, error)).toEqual(expected)
    expect(finalOutput('async', 'failed', null, error)).toEqual(expected)
    expect(finalOutput('sync', 'failed', decided, error)).toEqual(expected)
  })

  it('answers 500 with a killed error when a killed execution decided nothing', () => {
    const output = finalOutput('sync', 'killed', null, null)
    expect(output.status).toBe(500)
    expect(output.body).toEqual({
      error: {
        code: 'execution_killed',
        type: 'killed',
        message: expect.any(String),
        taskId: null,
        taskRunId: null,
        attempt: null,
      },
    })
  })

  it('keeps a decided output when the execution is killed afterwards', () => {
    expect(finalOutput('async', 'killed', decided, null)).toBe(decided)
  })
})
