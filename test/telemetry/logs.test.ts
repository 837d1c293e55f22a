/**
 * The Worker's own log lines (src/log.ts): one JSON object a line with the level, the message, the
 * fields known where it is written and the error's type, written with the console method of its
 * level (Workers Logs takes the level from it).
 */
import { describe, expect, it, vi } from 'vitest'
import { log, logLine } from '../../src/log'
import { loggedLine } from '../helpers/logs'

describe('log lines', () => {
  it('are one JSON object with level, message, the known ids and the error', () => {
    const line = logLine(
      'error',
      'could not hand a summary back to its execution',
      { executionId: 'e1', flowId: 'f1', taskId: null, traceId: undefined, queue: 'edgeflow-index' },
      Object.assign(new Error('D1 is away'), { type: 'timeout' }),
    )
    expect(line).not.toContain('\n')
    expect(JSON.parse(line)).toEqual({
      level: 'error',
      message: 'could not hand a summary back to its execution',
      executionId: 'e1',
      flowId: 'f1',
      queue: 'edgeflow-index',
      errorType: 'timeout',
      error: 'D1 is away',
    })
  })

  it('keep the kind and the stack of an unexpected error', () => {
    const parsed = JSON.parse(logLine('error', 'unexpected error', {}, new TypeError('x is undefined')))
    expect(parsed).toMatchObject({ errorType: 'internal', error: 'x is undefined', errorName: 'TypeError' })
    expect(parsed.stack).toContain('TypeError: x is undefined')
    expect(JSON.parse(logLine('warn', 'odd', {}, 'a string thrown'))).toEqual({
      level: 'warn',
      message: 'odd',
      errorType: 'internal',
      error: 'a string thrown',
    })
  })

  it('go to the console method of their level', () => {
    const methods = (['debug', 'info', 'warn', 'error'] as const).map((level) => ({
      level,
      spy: vi.spyOn(console, level).mockImplementation(() => undefined),
    }))
    try {
      for (const { level } of methods) log[level](`a ${level} line`, { executionId: 'e2' })
      for (const { level, spy } of methods) {
        expect(spy).toHaveBeenCalledTimes(1)
        expect(loggedLine(spy.mock.calls[0]?.[0])).toEqual({ level, message: `a ${level} line`, executionId: 'e2' })
      }
    } finally {
      for (const { spy } of methods) spy.mockRestore()
    }
  })
})
