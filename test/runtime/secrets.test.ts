import { describe, expect, it } from 'vitest'
import { Secrets } from '../../src/runtime/secrets'

const KEY = 'sk_live_0123456789'

describe('the secrets of an execution', () => {
  it('masks nothing, and copies nothing, before a secret is known', () => {
    const value = { a: KEY }
    expect(new Secrets({ FLOW_SECRET_KEY: KEY }, []).mask(value)).toBe(value)
  })

  it('masks what it read, whole, inside longer strings, in keys and deep down', () => {
    const secrets = new Secrets({ FLOW_SECRET_KEY: KEY }, [])
    expect(secrets.read('KEY')).toBe(KEY)
    expect(
      secrets.mask({
        whole: KEY,
        bearer: `Bearer ${KEY}`,
        twice: `${KEY}/${KEY}`,
        list: [1, null, true, { [KEY]: `?key=${KEY}&x=1` }],
      }),
    ).toEqual({
      whole: '[secret:KEY]',
      bearer: 'Bearer [secret:KEY]',
      twice: '[secret:KEY]/[secret:KEY]',
      list: [1, null, true, { '[secret:KEY]': '?key=[secret:KEY]&x=1' }],
    })
  })

  it('masks the secrets the flow names from the start: an object that restarted reads them from the env again', () => {
    const secrets = new Secrets({ FLOW_SECRET_KEY: KEY, FLOW_SECRET_OTHER: 'other-value' }, [
      { name: 'KEY', path: [] },
      { name: 'UNSET', path: [] },
    ])
    expect(secrets.mask(`x ${KEY} other-value`)).toBe('x [secret:KEY] other-value')
  })

  it('masks the longest value first, in one pass, and values with regex characters literally', () => {
    const secrets = new Secrets({ FLOW_SECRET_A: 'abc', FLOW_SECRET_B: 'abcdef', FLOW_SECRET_C: 'a.c+(x)' }, [])
    secrets.read('A')
    secrets.read('B')
    secrets.read('C')
    expect(secrets.mask('abcdef abc a.c+(x) aXc')).toBe('[secret:B] [secret:A] [secret:C] aXc')
  })

  it('masks a secret JSON-escaped or URL-encoded, and the part of one left at the end of a string cut short', () => {
    const secrets = new Secrets({ FLOW_SECRET_KEY: 'a"b/c+d=' }, [{ name: 'KEY', path: [] }])
    expect(secrets.mask(JSON.stringify({ key: 'a"b/c+d=' }))).toBe('{"key":"[secret:KEY]"}')
    expect(secrets.mask('https://x.test/?k=a%22b%2Fc%2Bd%3D')).toBe('https://x.test/?k=[secret:KEY]')
    expect(secrets.mask('message cut at a"b/c…')).toBe('message cut at [secret:KEY]…')
    expect(secrets.mask(`${'x'.repeat(5000)}a"b/c+`)).toBe(`${'x'.repeat(5000)}[secret:KEY]`)
    // a short text is not taken for a cut one, nor are parts shorter than four characters
    expect(secrets.mask('ends in a"b/c')).toBe('ends in a"b/c')
    expect(secrets.mask('cut at a"b…')).toBe('cut at a"b…')
  })

  it('after a rotation, masks the old value and the new one', () => {
    const env: Record<string, string> = { FLOW_SECRET_KEY: 'old-value-1' }
    const secrets = new Secrets(env, [])
    expect(secrets.read('KEY')).toBe('old-value-1')
    env.FLOW_SECRET_KEY = 'new-value-2'
    expect(secrets.read('KEY')).toBe('new-value-2')
    expect(secrets.mask('old-value-1 new-value-2')).toBe('[secret:KEY] [secret:KEY]')
  })

  it('masks a value computed from a secret like the secret', () => {
    const secrets = new Secrets({ FLOW_SECRET_PASSWORD: 'p4ss' }, [])
    secrets.conceal('dTpwNHNz', 'u:nothing')
    expect(secrets.mask('dTpwNHNz')).toBe('dTpwNHNz')
    secrets.read('PASSWORD')
    secrets.conceal('dTpwNHNz', 'u:p4ss')
    expect(secrets.mask('Basic dTpwNHNz')).toBe('Basic [secret:PASSWORD]')
  })

  it('refuses, with validation_error, what flows may not read', () => {
    const hidden: Record<string, string> = { API_TOKEN: 'token', HIDDEN: 'hidden' }
    const secrets = new Secrets(hidden, [])
    for (const name of ['API_TOKEN', 'HIDDEN', 'FLOW_SECRET_API_TOKEN', 'api_token']) {
      expect(() => secrets.read(name)).toThrow(expect.objectContaining({ type: 'validation_error' }))
    }
  })
})
