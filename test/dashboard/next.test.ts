import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/api/app'
import { safeNext } from '../../src/dashboard/auth/next'
import { BASE } from '../helpers/api'

const TOKEN = 'next-test-token'
const withToken = { ...env, ALLOW_ANONYMOUS_API: undefined, API_TOKEN: TOKEN }
const ORIGIN = new URL(BASE).origin

const request = (path: string, init: RequestInit = {}) =>
  app.fetch(new Request(`${BASE}${path}`, { redirect: 'manual', ...init }), withToken)

const signIn = (next: string) =>
  request('/login', {
    method: 'POST',
    headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: TOKEN, next }).toString(),
  })

/** Where a browser on a page of this origin goes when it follows `Location: location`. */
const followed = (location: string) => new URL(location, `${BASE}/login?next=x`)

/** `next` values that try to leave the origin, each a class of trick (the first one was reported). */
const HOSTILE = [
  '/\t/evil.example/x',
  '/\n/evil.example',
  '/\r/evil.example',
  '\t//evil.example',
  '/\r\n/evil.example',
  ' //evil.example',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/\\/evil.example',
  '/.//evil.example',
  '/./\\evil.example',
  '/a/..//evil.example',
  'https://evil.example',
  'https:evil.example',
  'HTTPS://evil.example',
  '//evil.example@edgeflow.test',
  'https://edgeflow.test@evil.example',
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '\u0000//evil.example',
  '\u001f//evil.example',
  '//evil%2Eexample',
  '//evil。example',
  '//ｅｖｉｌ.example',
]

/** Dangerous pieces, joined at random into `next` values. */
const PIECES = [
  '/',
  '\\',
  '.',
  '..',
  '\t',
  '\n',
  '\r',
  ' ',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u0000',
  '%09',
  '%0a',
  '%2f',
  '%2F',
  '%5c',
  '%252F',
  '%',
  'evil.example',
  'edgeflow.test',
  '@',
  ':',
  '?',
  '#',
  'https:',
  'javascript:',
  'http://',
  'x',
]

const hostileNext = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join('')),
  fc.string({ unit: 'binary', maxLength: 24 }),
)

describe('where sign-in sends the visitor next', () => {
  it.each(HOSTILE)('stays on the origin for %j', (next) => {
    expect(safeNext(next, ORIGIN)).toBe('/')
  })

  it('keeps a path and query of this origin as the URL parser writes them', () => {
    expect(safeNext('/flows', ORIGIN)).toBe('/flows')
    expect(safeNext('/executions/abc?x=1&y=%20z', ORIGIN)).toBe('/executions/abc?x=1&y=%20z')
    expect(safeNext('/flows#part', ORIGIN)).toBe('/flows')
    expect(safeNext(`${BASE}/flows?a=b`, ORIGIN)).toBe('/flows?a=b')
    expect(safeNext('/a/../flows', ORIGIN)).toBe('/flows')
    // a URL of the same scheme without its slashes is a path of the base's host
    expect(safeNext('http:/evil.example', ORIGIN)).toBe('/evil.example')
    expect(safeNext('/%2F/evil.example', ORIGIN)).toBe('/%2F/evil.example')
    expect(safeNext('/\u3000/evil.example', ORIGIN)).toBe('/%E3%80%80/evil.example')
    expect(safeNext(undefined, ORIGIN)).toBe('/')
    expect(safeNext('', ORIGIN)).toBe('/')
  })

  it('never answers a place a browser would resolve to another origin, whatever next is (property)', () => {
    fc.assert(
      fc.property(hostileNext, (next) => {
        const location = safeNext(next, ORIGIN)
        const target = followed(location)
        expect(target.origin).toBe(ORIGIN)
        // a path: no scheme, no authority, nothing a browser strips or reads as a separator first
        expect(location).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/)
        // what it answers it keeps
        expect(safeNext(location, ORIGIN)).toBe(location)
      }),
      { seed: 20, numRuns: 2_000 },
    )
  })

  it('keeps every plain path of this origin (property)', () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/)
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), segment, (segments, query) => {
        const path = `/${segments.join('/')}?q=${query}`
        expect(safeNext(path, ORIGIN)).toBe(path)
      }),
      { seed: 20, numRuns: 500 },
    )
  })

  it.each([
    ['/%09/evil.example/x', '/'],
    ['/%0A/evil.example', '/'],
    ['/%5Cevil.example', '/'],
    ['/%2F/evil.example', '/'],
    ['%2F%2Fevil.example', '/'],
    ['https%3A%2F%2Fevil.example', '/'],
    ['javascript%3Aalert(1)', '/'],
    ['/%252F/evil.example', '/%2F/evil.example'],
    ['%2Fflows%3Fx%3D1', '/flows?x=1'],
  ])('is answered in the Location of a signed-in GET /login?next=%s as %s', async (query, expected) => {
    const signedIn = await signIn('/')
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] as string
    const response = await request(`/login?next=${query}`, { headers: { cookie } })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(expected)
    expect(followed(response.headers.get('location') as string).origin).toBe(ORIGIN)
  })

  it.each(HOSTILE.slice(0, 12))('is / after POST /login with next=%j', async (next) => {
    const response = await signIn(next)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/')
  })

  it('is written in the sign-in form only as a same-origin path', async () => {
    const page = await (await request('/login?next=/%09/evil.example/x')).text()
    expect(page.match(/name="next" value="([^"]*)"/)?.[1]).toBe('/')
  })
})
