/** @module A line diff of two texts (pure): longest common subsequence, kept lines marked. */

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
  // lengths of the longest common subsequences of the suffixes
  const table = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = table[i] as Uint32Array
      row[j] =
        a[i] === b[j]
          ? (table[i + 1] as Uint32Array)[j + 1]! + 1
          : Math.max((table[i + 1] as Uint32Array)[j]!, row[j + 1]!)
    }
  }
  const lines: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i] as string })
      i++
      j++
    } else if ((table[i + 1] as Uint32Array)[j]! >= (table[i] as Uint32Array)[j + 1]!) {
      lines.push({ kind: 'removed', text: a[i++] as string })
    } else {
      lines.push({ kind: 'added', text: b[j++] as string })
    }
  }
  while (i < a.length) lines.push({ kind: 'removed', text: a[i++] as string })
  while (j < b.length) lines.push({ kind: 'added', text: b[j++] as string })
  return lines
}
