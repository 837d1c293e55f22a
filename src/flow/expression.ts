/**
 * @module JSONata expressions and `{{ }}` templates, compiled once per flow revision.
 * A string that is exactly one `{{ expr }}` yields the raw value; other templated strings
 * interpolate their results as text. Compilation never uses `eval`.
 */
import jsonata from 'jsonata'

/** What an expression sees: DESIGN §3. */
export interface ExpressionContext {
  input: unknown
  outputs: Record<string, unknown>
  vars: Record<string, unknown>
  execution: { id: string; flowId: string; revision: number; startedAt: string | null }
  item?: unknown
  index?: number
}

/** A value that may need evaluating; constants skip JSONata entirely. */
export type Compiled =
  | { readonly constant: true; readonly value: unknown }
  | { readonly constant: false; evaluate(context: ExpressionContext): Promise<unknown> }

/** Raised when an expression fails to compile or to evaluate; `path` is where it sits in the task. */
export class ExpressionError extends Error {
  readonly type = 'expression_error'
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
  ) {
    super(message)
  }
}

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g
const WHOLE = /^\{\{([\s\S]*?)\}\}$/

const constant = (value: unknown): Compiled => ({ constant: true, value })

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message)
  return String(error)
}

/** Compiles a bare JSONata expression; a surrounding `{{ }}` is tolerated. */
export function compileExpression(text: string, path: (string | number)[] = []): Compiled {
  const source = (WHOLE.exec(text.trim())?.[1] ?? text).trim()
  if (source === '') throw new ExpressionError('empty expression', path)
  let expression: ReturnType<typeof jsonata>
  try {
    expression = jsonata(source)
  } catch (error) {
    throw new ExpressionError(`invalid expression "${source}": ${describe(error)}`, path)
  }
  return {
    constant: false,
    async evaluate(context) {
      try {
        const value = await expression.evaluate(context)
        return value === undefined ? null : normalize(value)
      } catch (error) {
        throw new ExpressionError(`expression "${source}" failed: ${describe(error)}`, path)
      }
    },
  }
}

/** JSONata sequences are arrays with extra flags; hand plain JSON onward. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, normalize)
  if (typeof value === 'function') return null
  return value
}

/** Text of a resolved value, as interpolated into templates and messages. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Compiles a string that may hold `{{ }}` templates. */
export function compileTemplate(text: string, path: (string | number)[] = []): Compiled {
  if (!text.includes('{{')) return constant(text)
  if (WHOLE.test(text) && text.indexOf('{{', 2) === -1) return compileExpression(text, path)
  const parts: (string | Compiled)[] = []
  let last = 0
  for (const match of text.matchAll(TEMPLATE)) {
    if (match.index > last) parts.push(text.slice(last, match.index))
    parts.push(compileExpression(match[1] ?? '', path))
    last = match.index + match[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return {
    constant: false,
    async evaluate(context) {
      const values = await Promise.all(parts.map((part) => (typeof part === 'string' ? part : evaluate(part, context))))
      return values.map(asText).join('')
    },
  }
}

/** Compiles any JSON value: strings become templates, objects and arrays are walked. */
export function compileValue(value: unknown, path: (string | number)[] = []): Compiled {
  if (typeof value === 'string') return compileTemplate(value, path)
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileValue(item, [...path, index]))
    if (items.every((item) => item.constant)) return constant(value)
    return {
      constant: false,
      evaluate: (context) => Promise.all(items.map((item) => evaluate(item, context))),
    }
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compileValue(item, [...path, key])] as const)
    if (entries.every(([, item]) => item.constant)) return constant(value)
    return {
      constant: false,
      async evaluate(context) {
        const values = await Promise.all(entries.map(([, item]) => evaluate(item, context)))
        return Object.fromEntries(entries.map(([key], index) => [key, values[index]]))
      },
    }
  }
  return constant(value)
}

/** The value of a compiled template: synchronous for constants. */
export function evaluate(compiled: Compiled, context: ExpressionContext): unknown | Promise<unknown> {
  return compiled.constant ? compiled.value : compiled.evaluate(context)
}
