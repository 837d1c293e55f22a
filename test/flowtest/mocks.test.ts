import { describe, expect, it } from 'vitest'
import { globMatches, httpMockFor, mockedResult, taskMockFor } from '../../src/flowtest/mocks'
import { Mocks } from '../../src/flowtest/document'

describe('flow test mocks', () => {
  it('match URLs where * stands for any text', () => {
    expect(globMatches('https://a.test/x', 'https://a.test/x')).toBe(true)
    expect(globMatches('https://a.test/x', 'https://a.test/xy')).toBe(false)
    expect(globMatches('https://a.test/*', 'https://a.test/orders/1?q=2')).toBe(true)
    expect(globMatches('https://*.test/*/items', 'https://api.test/v1/items')).toBe(true)
    expect(globMatches('https://*.test/*/items', 'https://api.test/v1/items/2')).toBe(false)
    expect(globMatches('a*a', 'a')).toBe(false)
    expect(globMatches('*', '')).toBe(true)
  })

  it('answer a request from the first mock of its method and URL; none matching is null', () => {
    const mocks = Mocks.parse({
      http: [
        { method: 'GET', url: 'https://a.test/*', status: 404 },
        { url: 'https://a.test/*', body: { any: true } },
      ],
    }).http
    expect(httpMockFor(mocks, 'GET', 'https://a.test/1')?.status).toBe(404)
    expect(httpMockFor(mocks, 'POST', 'https://a.test/1')?.body).toEqual({ any: true })
    expect(httpMockFor(mocks, 'POST', 'https://b.test/1')).toBeNull()
  })

  it('give each attempt its mock, the last repeating, as a completed or failed result', () => {
    const mocks = Mocks.parse({
      tasks: { t: [{ error: { type: 'timeout' } }, { output: 2 }], u: { status: 'failed' } },
    })
    expect(mockedResult(taskMockFor(mocks, 't', 1)!)).toEqual({
      kind: 'failed',
      error: { type: 'timeout', message: 'mocked failure' },
    })
    expect(mockedResult(taskMockFor(mocks, 't', 2)!)).toEqual({ kind: 'completed', output: 2 })
    expect(mockedResult(taskMockFor(mocks, 't', 5)!)).toEqual({ kind: 'completed', output: 2 })
    expect(mockedResult(taskMockFor(mocks, 'u', 1)!)).toEqual({
      kind: 'failed',
      error: { type: 'internal', message: 'mocked failure' },
    })
    expect(taskMockFor(mocks, 'v', 1)).toBeNull()
  })
})
