/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'
import front from '../README.md?raw'
import contributing from '../CONTRIBUTING.md?raw'
import patches from '../patches/README.md?raw'
import { EXECUTION_STATUSES, TASK_RUN_STATUSES } from '../src/core/transitions'

/** The README and its documents, by their path from the repository's root. */
const documents: Record<string, string> = {
  'README.md': front,
  'CONTRIBUTING.md': contributing,
  'patches/README.md': patches,
  ...Object.fromEntries(
    Object.entries(import.meta.glob<string>('../docs/*.md', { query: '?raw', import: 'default', eager: true })).map(
      ([file, text]) => [file.slice(3), text],
    ),
  ),
}

/** GitHub's anchor of a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replaceAll(' ', '-')

const anchorsOf = (markdown: string) =>
  new Set([...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,4} (.*)$/gm)].map((match) => slug(match[1] ?? '')))

/** `target` as a path from the root, seen from the document at `from`. */
function resolve(from: string, target: string): string {
  const parts = from.split('/').slice(0, -1)
  for (const part of target.split('/')) {
    if (part === '..') parts.pop()
    else if (part !== '.') parts.push(part)
  }
  return parts.join('/')
}

describe('the documents', () => {
  it('link only to headings and documents that exist', () => {
    const broken: string[] = []
    for (const [file, text] of Object.entries(documents)) {
      for (const [, target] of text.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue
        const [path, anchor] = target.split('#') as [string, string | undefined]
        const into = path === '' ? file : resolve(file, path)
        if (!into.endsWith('.md')) continue
        const markdown = documents[into]
        if (markdown === undefined) broken.push(`${file}: ${target} (no such document)`)
        else if (anchor && !anchorsOf(markdown).has(anchor)) broken.push(`${file}: ${target} (no such heading)`)
      }
    }
    expect(broken).toEqual([])
  })

  it('keep the README a front door', () => {
    expect(front.split('\n').length).toBeLessThanOrEqual(400)
  })
})

describe('the architecture', () => {
  const diagrams = [...(documents['docs/architecture.md'] ?? '').matchAll(/```mermaid\n([\s\S]*?)```/g)].map(
    (match) => match[1] ?? '',
  )
  const named = (diagram: string) => new Set(diagram.match(/\b[a-z]+\b/g))

  it('draws every status of an execution and of a task run (core/transitions.ts)', () => {
    const [execution = '', taskRun = ''] = diagrams
    expect(EXECUTION_STATUSES.filter((status) => !named(execution).has(status))).toEqual([])
    expect(TASK_RUN_STATUSES.filter((status) => !named(taskRun).has(status))).toEqual([])
  })
})
