/**
 * @module Where a field of a flow's source text is: the line and column of the value an issue's
 * path names (`tasks.1.url`), found in the YAML or JSON text the flow was written in, so that an
 * editor shows each problem at its line. A path to a field that is missing points at the deepest
 * part of it that is there.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'

export interface Place {
  line: number
  column: number
}

/** The node at `key` of a map or sequence, or null. */
function childOf(node: Node, key: string): Node | null {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key)
    // a key with no value (`url:`) is placed at its key
    return (pair?.value ?? pair?.key ?? null) as Node | null
  }
  if (isSeq(node) && /^\d+$/.test(key)) return (node.items[Number(key)] ?? null) as Node | null
  return null
}

/**
 * The place of each path of `paths` in `text` (YAML, which JSON text is too), or null for a text
 * that does not parse. An empty path, or one whose first step is missing, is the document's start.
 */
export function placesOf(text: string, paths: readonly string[]): (Place | null)[] | null {
  const lines = new LineCounter()
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false })
  if (document.errors.length > 0 || !document.contents) return null
  const root = document.contents as Node
  return paths.map((path) => {
    let node: Node = root
    for (const key of path === '' ? [] : path.split('.')) {
      const child = childOf(node, key)
      if (!child) break
      node = child
    }
    const offset = node.range?.[0]
    return offset === undefined ? null : { line: lines.linePos(offset).line, column: lines.linePos(offset).col }
  })
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const WORDS = ['true', 'false', 'null']

/**
 * The offset where `text` stops being JSON, or null for JSON: V8's messages do not always say
 * where. Its nesting is bounded before (`jsonTooDeep`), so the descent is too.
 */
export function jsonErrorOffset(text: string): number | null {
  let at = 0
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text.charAt(at))) at++
  }
  const string = (): boolean => {
    at++
    while (at < text.length) {
      const character = text.charAt(at)
      if (character === '"') return ++at > 0
      if (character < ' ') return false
      at += character === '\\' ? 2 : 1
    }
    return false
  }
  const sequence = (close: string, item: () => boolean): boolean => {
    at++
    space()
    if (text.charAt(at) === close) return ++at > 0
    for (;;) {
      if (!item()) return false
      space()
      if (text.charAt(at) === close) return ++at > 0
      if (text.charAt(at) !== ',') return false
      at++
    }
  }
  const member = (): boolean => {
    space()
    if (text.charAt(at) !== '"' || !string()) return false
    space()
    if (text.charAt(at) !== ':') return false
    at++
    return value()
  }
  const value = (): boolean => {
    space()
    const character = text.charAt(at)
    if (character === '{') return sequence('}', member)
    if (character === '[') return sequence(']', value)
    if (character === '"') return string()
    const word = WORDS.find((each) => text.startsWith(each, at))
    if (word) return (at += word.length) > 0
    NUMBER.lastIndex = at
    const number = NUMBER.exec(text)
    if (!number) return false
    at += number[0].length
    return true
  }
  const ok = value()
  space()
  return ok && at === text.length ? null : Math.min(at, text.length)
}

/** The line and column (from 1) of an offset of `text`. */
function placeOf(text: string, offset: number): Place {
  const before = text.slice(0, offset).split('\n')
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 }
}

/** Where a text that does not parse first goes wrong: JSON by its own reading, YAML by the YAML parser's. */
export function syntaxPlace(text: string, yaml: boolean): Place {
  if (!yaml) return placeOf(text, jsonErrorOffset(text) ?? 0)
  const at = parseDocument(text, { uniqueKeys: false }).errors[0]?.linePos?.[0]
  return at ? { line: at.line, column: at.col } : { line: 1, column: 1 }
}
