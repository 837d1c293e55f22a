/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

/** The dashboard's pure core: layouts and markup, data in and SVG out. */
const sources = import.meta.glob<string>('../../../src/dashboard/core/**/*.{ts,tsx}', {
  query: '?raw',
  import: 'default',
  eager: true,
})

const importsOf = (source: string) =>
  [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1] as string)

describe("the dashboard's core", () => {
  it.each(Object.entries(sources))('%s imports only its own modules and hono/jsx', (_, source) => {
    expect(importsOf(source).filter((specifier) => !specifier.startsWith('./') && specifier !== 'hono/jsx')).toEqual([])
  })
})
