import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { requestUrl } from '../../src/actions/http'
import { Secrets } from '../../src/runtime/secrets'
import { urlForms } from '../helpers/secret-forms'

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

  it('masks a value set with white space around it without that space too (a header value is trimmed)', () => {
    const secrets = new Secrets({ FLOW_SECRET_KEY: ' tok-3141\n' }, [{ name: 'KEY', path: [] }])
    expect(secrets.mask({ authorization: 'Bearer tok-3141', raw: 'x tok-3141\n' })).toEqual({
      authorization: 'Bearer [secret:KEY]',
      raw: 'x[secret:KEY]',
    })
  })

  it('masks a secret escaped twice as JSON (JSON text in a string), HTML-escaped, or with non-ASCII escaped', () => {
    const value = 'a"b\\c&d<é\n'
    const secrets = new Secrets({ FLOW_SECRET_KEY: value }, [{ name: 'KEY', path: [] }])
    const twice = JSON.stringify(JSON.stringify({ key: value }))
    expect(secrets.mask(twice)).toBe(JSON.stringify(JSON.stringify({ key: '[secret:KEY]' })))
    expect(secrets.mask('<p>a&quot;b\\c&amp;d&lt;é\n</p>')).toBe('<p>[secret:KEY]</p>')
    expect(secrets.mask('{"k":"a\\"b\\\\c&d<\\u00E9\\u000A"}')).toBe('{"k":"[secret:KEY]"}')
  })

  it('masks a run of backslashes in one pass, whatever the text around it (it took 50 s: 3^12 ways per position)', () => {
    const secrets = new Secrets({ FLOW_SECRET_KEY: `${'\\'.repeat(12)}X` }, [{ name: 'KEY', path: [] }])
    expect(secrets.mask(`${'\\'.repeat(2000)}Y`)).toBe(`${'\\'.repeat(2000)}Y`)
    expect(secrets.mask(JSON.stringify({ k: `${'\\'.repeat(12)}X` }))).toBe('{"k":"[secret:KEY]"}')
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

/** ASCII punctuation, space, both cases of letters, digits, and characters outside ASCII. */
const CHARS = [
  ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ ',
  ...'abcXYZ019',
  ...['é', 'É', 'ß', 'ı', 'İ', 'ü', '中', '😀', '\u00a0', '\u2028'],
]

/** Where a task's URL may carry a secret `s`. */
const PLACES: Record<string, (s: string) => { url: string; query?: Record<string, string> }> = {
  path: (s) => ({ url: `https://api.example/v1/${s}/items` }),
  query: (s) => ({ url: `https://api.example/v1?token=${s}&page=2` }),
  queryParam: (s) => ({ url: 'https://api.example/v1?page=2', query: { token: s } }),
  queryKey: (s) => ({ url: 'https://api.example/v1', query: { [s]: '1' } }),
  fragment: (s) => ({ url: `https://api.example/v1#${s}` }),
  user: (s) => ({ url: `https://${s}:pw@api.example/v1` }),
  password: (s) => ({ url: `https://ada:${s}@api.example/v1` }),
  host: (s) => ({ url: `https://${s}.example/v1` }),
  hostLabel: (s) => ({ url: `https://api-${s}.example/v1` }),
  hostWhole: (s) => ({ url: `http://${s}/v1` }),
  everywhere: (s) => ({ url: `https://${s}:${s}@${s}.example/${s}?${s}=${s}#${s}`, query: { [s]: s } }),
}

/** The URL as the task builds it, without masking it whole when the parser rewrote a secret. */
const parsedOnly: typeof requestUrl = (url, query) => requestUrl(url, query, { conceal: () => {} })

describe('a secret in an http task URL', () => {
  /**
   * What the execution would record of a call to `place` with secret `value`: its input, its
   * error, a log line; `parse` builds the URL as the task does, or without its masking of a
   * rewritten URL (the masking of the forms alone).
   */
  function recorded(value: string, place: string, parse = requestUrl): { texts: string[]; masked: string[] } {
    const secrets = new Secrets({ FLOW_SECRET_S: value }, [{ name: 'S', path: [] }])
    const { url, query } = PLACES[place]!(value)
    let target: URL
    try {
      target = parse(url, query, secrets)
    } catch {
      // not a URL: the task fails validation, and records only what it was given
      return { texts: [url], masked: [secrets.mask(url)] }
    }
    const texts = [
      url,
      JSON.stringify({ url, query }),
      `GET ${target} failed: Network connection lost`,
      JSON.stringify({ error: { message: `GET ${target} answered 500` } }),
      target.href,
      `log: calling ${target.toString()}`,
    ]
    return { texts, masked: texts.map((text) => secrets.mask(text)) }
  }

  it('is masked in every form the URL standard gives it, wherever it sits (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...CHARS), minLength: 6, maxLength: 24 }),
        fc.constantFrom(...Object.keys(PLACES)),
        (value, place) => {
          const forms = urlForms(value)
          for (const parse of [requestUrl, parsedOnly]) {
            const leaks = recorded(value, place, parse).masked.filter((text) =>
              forms.some((form) => text.includes(form)),
            )
            expect(leaks, place).toEqual([])
          }
        },
      ),
      { seed: 20, numRuns: 300 },
    )
  })

  it('is masked in the forms the issue showed: form-encoded query, percent-encoded path, lower-cased host, userinfo', () => {
    const value = 'pa ss|w0rd+Ünï'
    for (const place of ['path', 'query', 'queryParam', 'user', 'password', 'fragment']) {
      const { texts, masked } = recorded(value, place)
      expect(texts[2], place).not.toContain(value)
      expect(masked[2], place).toContain('[secret:S]')
      for (const text of masked) expect(text, place).not.toMatch(/pa(\+|%20| )ss/)
    }
    const host = recorded('MyTenantKey42', 'host')
    expect(host.texts[2]).toContain('https://mytenantkey42.example/v1')
    expect(host.masked[2]).toBe('GET https://[secret:S].example/v1 failed: Network connection lost')
    expect(recorded('pa ss|w0rd', 'queryParam').masked[2]).toBe(
      'GET https://api.example/v1?page=2&token=[secret:S] failed: Network connection lost',
    )
  })

  it('masks the whole URL when the parser drops or rewrites part of a secret (tabs, dot segments, IDNA)', () => {
    for (const [value, place, shown] of [
      ['ab/../cdefgh', 'path', '/v1/cdefgh/items'],
      ['tok\ten-value', 'path', 'token-value'],
      ['Bücher-geheim', 'host', 'xn--bcher-geheim'],
      ['0x7f.1', 'hostWhole', '127.0.0.1'],
    ]) {
      const { texts, masked } = recorded(value!, place!)
      expect(texts[2]).toContain(shown)
      expect(masked[2]).toBe('GET [secret:S] failed: Network connection lost')
    }
    // a URL that keeps every secret whole stays readable
    expect(recorded('plain-value', 'path').masked[2]).toBe(
      'GET https://api.example/v1/[secret:S]/items failed: Network connection lost',
    )
  })
})
