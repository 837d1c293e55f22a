/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

/** The source of every file of these folders, read at build time. */
const sources = import.meta.glob<string>(['../src/runtime/**/*.ts', '../src/objects/**/*.ts', '../src/actions/*.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
})

const importsOf = (file: string) =>
  [...(sources[file] ?? '').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (match) => match[1] as string,
  )

const filesUnder = (folder: string) => Object.keys(sources).filter((file) => file.startsWith(folder))

describe('the layers', () => {
  it.each(filesUnder('../src/runtime/'))('%s reaches the objects only through their contract', (file) => {
    expect(importsOf(file).filter((specifier) => /\/objects\/(?!contract$)/.test(specifier))).toEqual([])
  })

  it('keeps the stubs and the execution object from importing each other or the runtime', () => {
    const stubs = importsOf('../src/objects/stubs.ts')
    expect(stubs.filter((specifier) => /execution-object|runtime\//.test(specifier))).toEqual([])
    expect(importsOf('../src/objects/contract.ts').filter((specifier) => specifier.startsWith('./'))).toEqual([])
  })

  it('lets the action contract (actions/define.ts) import only domain/ and flow/', () => {
    const imports = importsOf('../src/actions/define.ts')
    expect(imports.length).toBeGreaterThan(0)
    expect(imports.filter((specifier) => specifier !== 'zod' && !/^\.\.\/(domain|flow)\//.test(specifier))).toEqual([])
  })
})
