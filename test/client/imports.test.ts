/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

/** The source of every file of the client and of the CLI, read at build time. */
const client = import.meta.glob<string>('../../src/client/*.ts', { query: '?raw', import: 'default', eager: true })
const cli = import.meta.glob<string>('../../src/cli/*.ts', { query: '?raw', import: 'default', eager: true })

const importsOf = (source: string) =>
  [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1] as string)

describe('the client', () => {
  it('is read by this test', () => {
    expect(Object.keys(client).length).toBeGreaterThanOrEqual(6)
  })

  it.each(Object.entries(client))(
    '%s imports only openapi-fetch and its own files, with their extension (Workers, Node, browsers)',
    (_, source) => {
      const stray = importsOf(source).filter(
        (specifier) => specifier !== 'openapi-fetch' && !/^\.\/[\w-]+\.ts$/.test(specifier),
      )
      expect(stray).toEqual([])
    },
  )
})

describe('the CLI', () => {
  it.each(Object.entries(cli))('%s imports only node:, the client and its own files', (_, source) => {
    const stray = importsOf(source).filter(
      (specifier) =>
        !/^node:/.test(specifier) &&
        !/^\.\.\/client\/[\w-]+\.ts$/.test(specifier) &&
        !/^\.\/[\w-]+\.ts$/.test(specifier),
    )
    expect(stray).toEqual([])
  })
})
