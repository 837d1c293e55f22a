/** @module A line diff of two texts (pure), by jsdiff's `diffLines` (Myers), kept lines marked. */
import { diffLines as changes } from 'diff'

export interface DiffLine {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/** The lines of `after` against `before`; texts past `maxLines` lines are compared as wholes. */
export function diffLines(before: string, after: string, maxLines = 4000): DiffLine[] {
  const a = before.split('\n')
  const b = after.split('\n')
  if (a.length > maxLines || b.length > maxLines) {
    return [
      ...a.map((text) => ({ kind: 'removed' as const, text })),
      ...b.map((text) => ({ kind: 'added' as const, text })),
    ]
  }
  // every line ends with a newline, the last one too: a last line is the same line with one or without
  return changes(`${before}\n`, `${after}\n`).flatMap((change) => {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'same'
    return change.value
      .slice(0, -1)
      .split('\n')
      .map((text) => ({ kind, text }))
  })
}
