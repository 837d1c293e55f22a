/**
 * @module How deep request bodies and flow definitions may nest, checked without recursion. JSON.parse
 * copes with any depth, but what comes after it recurses (the flow schema, expressions, canonical JSON,
 * JSON.stringify, structured clone) and a deep enough value overflows the stack: the limit is checked
 * on the raw text before parsing, or on the parsed value by an explicit stack, never by recursion.
 */

/** Levels of arrays and objects a body or a definition may nest: far more than real payloads use. */
export const MAX_NESTING = 256

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPENERS = new Set([0x5b, 0x7b]) // [ {
const CLOSERS = new Set([0x5d, 0x7d]) // ] }

/** Whether JSON `text` nests arrays and objects deeper than `max`: brackets outside strings, counted. */
export function jsonTooDeep(text: string, max = MAX_NESTING): boolean {
  let depth = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (inString) {
      if (char === BACKSLASH) index++
      else if (char === QUOTE) inString = false
    } else if (char === QUOTE) inString = true
    else if (OPENERS.has(char)) {
      if (++depth > max) return true
    } else if (CLOSERS.has(char)) depth--
  }
  return false
}

/** Where a quoted YAML scalar may start: after one of these, or at the start of a line. */
const BEFORE_QUOTE = /[\s[{,:?-]/
/** Block indicators that open a level on the same line: `- - x`, `- a: b`, `? key`. */
const INDICATOR = /^[-?:](?: +|$)/

/**
 * Whether YAML `text` nests deeper than `max`, estimated in one pass: block levels are the columns
 * of the open block collections (from indentation and from compact `- `, `? `, `: ` indicators), flow
 * levels the open brackets outside quoted scalars and comments. A sequence indented like its parent
 * key is not counted, so the estimate may be half the real depth (the parsed value is checked again,
 * exactly) but never much more, so that a flow of legal depth always passes; what it would misread
 * still meets the yaml parser's own stack guard.
 */
export function yamlTooDeep(text: string, max = MAX_NESTING): boolean {
  const columns: number[] = []
  let flow = 0
  let quote: string | null = null
  for (const line of text.split('\n')) {
    let index = line.length - line.trimStart().length
    if (quote === null && flow === 0 && index < line.length && line[index] !== '#') {
      while ((columns.at(-1) ?? -1) > index) columns.pop()
      for (;;) {
        if ((columns.at(-1) ?? -1) < index && columns.push(index) > max) return true
        const indicator = INDICATOR.exec(line.slice(index))?.[0]
        if (!indicator) break
        index += indicator.length
      }
    }
    if (columns.length + flow > max) return true
    for (; index < line.length; index++) {
      const char = line[index] as string
      if (quote !== null) {
        if (quote === '"' && char === '\\') index++
        else if (char === quote) quote = null
      } else if (char === '#' && (index === 0 || /\s/.test(line[index - 1] as string))) break
      else if ((char === '"' || char === "'") && (index === 0 || BEFORE_QUOTE.test(line[index - 1] as string)))
        quote = char
      else if (char === '[' || char === '{') {
        if (columns.length + ++flow > max) return true
      } else if (char === ']' || char === '}') flow--
    }
  }
  return false
}

/** Whether a parsed value nests arrays and objects deeper than `max`, walked with an explicit stack. */
export function valueTooDeep(value: unknown, max = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [item, depth] = entry
    if (item === null || typeof item !== 'object') continue
    if (depth + 1 > max) return true
    for (const child of Object.values(item)) stack.push([child, depth + 1])
  }
  return false
}
