import { describe, expect, it } from 'vitest'
import { batchBody, messageBody } from '../../src/flow/queue-trigger'

describe('a queue message as input', () => {
  it('passes JSON, writes bytes as base64 and refuses what JSON cannot hold', () => {
    expect(messageBody('json', { a: [1, 'b'] })).toEqual({ ok: true, body: { a: [1, 'b'] } })
    expect(messageBody('json', new TextEncoder().encode('hi'))).toEqual({ ok: true, body: 'aGk=' })
    expect(messageBody('json', undefined)).toEqual({ ok: true, body: null })
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(messageBody('json', cycle)).toMatchObject({ ok: false, message: expect.stringContaining('not JSON') })
    expect(messageBody('json', 10n)).toMatchObject({ ok: false })
  })

  it('types an R2 deletion (no size, no etag) and a copy', () => {
    const base = { account: 'a', bucket: 'b', eventTime: '2026-01-01T00:00:00.000Z' }
    expect(messageBody('r2', { ...base, action: 'DeleteObject', object: { key: 'k' } })).toEqual({
      ok: true,
      body: { ...base, action: 'DeleteObject', key: 'k', size: null, etag: null, copySource: null },
    })
    const copy = messageBody('r2', {
      ...base,
      action: 'CopyObject',
      object: { key: 'k2', size: 1, eTag: 'e' },
      copySource: { bucket: 'src', object: 'k1' },
    })
    expect(copy).toMatchObject({ ok: true, body: { copySource: { bucket: 'src', key: 'k1' } } })
    expect(messageBody('r2', { ...base, action: 'Explode', object: { key: 'k' } })).toMatchObject({
      ok: false,
      path: 'action',
    })
  })

  it('names the bad message of a batch by its index', () => {
    const messages = [{ id: '1', timestamp: new Date(0), attempts: 1, body: { account: 'a' } }]
    expect(batchBody('r2', 'q', messages)).toMatchObject({ ok: false, path: 'messages.0.body.action' })
  })
})
