import { describe, expect, it } from 'vitest'
import { gatheredInput, keeping, MAX_WINDOW_BYTES, overflows, startsAt, type Window } from '../../src/core/gather'
import type { GatherPolicy } from '../../src/flow/gather'
import type { ExecutionInput } from '../../src/domain/types'

const debounce: GatherPolicy = { kind: 'debounce', periodMs: 1_000, timeoutMs: 5_000, keep: 'last' }
const batch: GatherPolicy = { kind: 'batch', maxSize: 3, timeoutMs: 10_000 }
const window = (fields: Partial<Window>): Window => ({ firstAt: 0, lastAt: 0, size: 1, bytes: 10, ...fields })

const input = (body: unknown, at = 0): ExecutionInput => ({
  headers: { 'x-n': String(at) },
  body,
  metadata: {
    trigger: 'webhook',
    method: 'POST',
    path: '/hooks/f',
    query: {},
    ip: null,
    userAgent: null,
    country: null,
    colo: null,
    receivedAt: new Date(at).toISOString(),
  },
})

describe('a debounce', () => {
  it('starts a period after its last trigger', () => {
    expect(startsAt(debounce, window({ firstAt: 0, lastAt: 0 }))).toBe(1_000)
    expect(startsAt(debounce, window({ firstAt: 0, lastAt: 2_500, size: 9 }))).toBe(3_500)
  })

  it('never later than timeout after its first trigger', () => {
    expect(startsAt(debounce, window({ firstAt: 0, lastAt: 4_900, size: 50 }))).toBe(5_000)
  })

  it('keeps the last input, or the first', () => {
    expect(keeping(debounce, null)).toBe('append')
    expect(keeping(debounce, window({}))).toBe('replace')
    expect(keeping({ ...debounce, keep: 'first' }, window({}))).toBe('drop')
    expect(gatheredInput(debounce, [input({ n: 7 }, 7)])).toEqual(input({ n: 7 }, 7))
  })

  it('never overflows: it keeps one input', () => {
    expect(overflows(debounce, window({ bytes: MAX_WINDOW_BYTES }), 100)).toBe(false)
  })

  it('keeping all, lists every body like a batch, and overflows like one', () => {
    const all: GatherPolicy = { ...debounce, keep: 'all' }
    expect(keeping(all, window({}))).toBe('append')
    expect(gatheredInput(all, [input('a', 1), input('b', 2)]).body).toEqual({ items: ['a', 'b'] })
    expect(overflows(all, window({ bytes: MAX_WINDOW_BYTES - 10 }), 11)).toBe(true)
  })
})

describe('a batch', () => {
  it('starts when full, else timeout after its first trigger', () => {
    expect(startsAt(batch, window({ firstAt: 0, lastAt: 500, size: 2 }))).toBe(10_000)
    expect(startsAt(batch, window({ firstAt: 0, lastAt: 700, size: 3 }))).toBe(700)
  })

  it('lists every body in arrival order, with the first metadata and no headers', () => {
    const gathered = gatheredInput(batch, [input('a', 1), input('b', 2)])
    expect(gathered).toEqual({ headers: {}, body: { items: ['a', 'b'] }, metadata: input('a', 1).metadata })
  })

  it('overflows into a new window past the bytes it may hold', () => {
    expect(overflows(batch, null, MAX_WINDOW_BYTES * 2)).toBe(false)
    expect(overflows(batch, window({ bytes: MAX_WINDOW_BYTES - 10 }), 10)).toBe(false)
    expect(overflows(batch, window({ bytes: MAX_WINDOW_BYTES - 10 }), 11)).toBe(true)
  })
})
