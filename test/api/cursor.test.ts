import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from '../../src/api/cursor'

describe('the execution list cursor', () => {
  it('names a position as base64url text and reads it back', () => {
    const position = { createdAt: 1_700_000_000_123, id: 'a'.repeat(64) }
    const cursor = encodeCursor(position)
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+=*$/)
    expect(decodeCursor(cursor)).toEqual(position)
    // a cursor written before, without its padding, still reads
    expect(decodeCursor(cursor.replace(/=+$/, ''))).toEqual(position)
  })

  it('reads no position from text that is not one of its cursors', () => {
    expect(decodeCursor('not base64!')).toBeNull()
    expect(decodeCursor(encodeCursor({ createdAt: 1, id: '' }))).toBeNull()
    expect(decodeCursor(btoa('x|y'))).toBeNull()
  })
})
