import { describe, expect, it } from 'vitest'
import { canonicalJson, revisionHash } from '../../src/flow/revision'

const flow = {
  name: 'Sign-up',
  mode: 'sync',
  tasks: [{ id: 'hello', type: 'return', status: 200, body: { user: 'x', ok: true } }],
}
const reordered = {
  tasks: [{ body: { ok: true, user: 'x' }, status: 200, type: 'return', id: 'hello' }],
  mode: 'sync',
  name: 'Sign-up',
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}',
    )
  })

  it('ignores key order', () => {
    expect(canonicalJson(reordered)).toBe(canonicalJson(flow))
  })

  it('keeps array order', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]))
  })

  it('drops undefined properties, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}')
  })

  it('writes valid JSON that reads back to the same value', () => {
    expect(JSON.parse(canonicalJson(flow))).toEqual(flow)
    expect(canonicalJson('quote " and \\ \n')).toBe(JSON.stringify('quote " and \\ \n'))
  })
})

describe('revisionHash', () => {
  it('is a hex SHA-256', async () => {
    expect(await revisionHash(flow)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('is the same for the same content written in another key order', async () => {
    expect(await revisionHash(reordered)).toBe(await revisionHash(flow))
  })

  it('changes when the content changes', async () => {
    expect(await revisionHash({ ...flow, mode: 'async' })).not.toBe(await revisionHash(flow))
  })
})
