/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

/** The source of every file of the pure core, read at build time. */
const sources = import.meta.glob<string>('../../src/core/**/*.ts', { query: '?raw', import: 'default', eager: true })

/** What the core may not reach: the platform, the database layer, and the shell around it. */
const FORBIDDEN = [/^cloudflare:/, /^drizzle-orm/, /\/store\//, /\/runtime\//, /\/objects\//, /\/api\//]

const importsOf = (source: string) =>
  [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1] as string)

describe('the core', () => {
  it('is read by this test', () => {
    expect(Object.keys(sources).length).toBeGreaterThanOrEqual(9)
  })

  it.each(Object.entries(sources))('%s imports neither the platform, the stores nor the shell', (_, source) => {
    const forbidden = importsOf(source).filter((specifier) => FORBIDDEN.some((rule) => rule.test(specifier)))
    expect(forbidden).toEqual([])
  })
})
