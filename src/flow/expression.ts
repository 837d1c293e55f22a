/**
 * @module JSONata expressions and `{{ }}` templates, compiled once per flow revision.
 * A string that is exactly one `{{ expr }}` yields the raw value; other templated strings
 * interpolate their results as text. Compilation never uses `eval`.
 */
import jsonata from 'jsonata'
import { BudgetExceeded, DEFAULT_BUDGET, type ExpressionBudget } from './budget'
import { meter } from './meter'
import { RegexUnsupported } from './regex'
import { asText } from '../domain/text'
import { secretNameProblem, SecretUnavailable, type SecretUse } from '../domain/flow-secrets'
import { secretCalls } from './secret-calls'
import { secretMisuse } from './secret-use'
import { checkedSource, UnsafeExpression } from './checked-source'

/** What an expression sees: docs/architecture.md, Flows. */
export interface ExpressionContext {
  input: unknown
  outputs: Record<string, unknown>
  vars: Record<string, unknown>
  execution: { id: string; flowId: string | null; revision: number; startedAt: string | null }
  item?: unknown
  index?: number
  /** Inside `errors` (and `finally` after a failure): the failure handled (README, When things fail). */
  error?: unknown
  /** Inside `finally`: `{ status }` of the scope that ended. */
  scope?: { status: string }
  /** Inside a compensation: `{ taskId, output }` of the run it undoes. */
  compensating?: { taskId: string; output: unknown }
  /** Where `$secret(name)` reads; not part of what expressions see as `$`. Without it `$secret` fails. */
  secrets?: SecretSource
}

/** Reads a flow's secret (see secrets.ts), or throws `SecretUnavailable`. */
export interface SecretSource {
  read(name: string): string
}

/** The `$secret` of an evaluation. */
function secretFunction(source: SecretSource | undefined): (name: unknown) => string {
  return (name) => {
    if (!source) throw new SecretUnavailable('secrets cannot be read here')
    if (typeof name !== 'string') throw new SecretUnavailable(`$secret takes a name, not ${JSON.stringify(name)}`)
    return source.read(name)
  }
}

/** A value that may need evaluating; constants skip JSONata entirely. */
export type Compiled =
  | { readonly constant: true; readonly value: unknown }
  | {
      readonly constant: false
      evaluate(context: ExpressionContext): Promise<unknown>
      /** The secrets it reads by a literal name, with their paths. */
      readonly secrets: readonly SecretUse[]
    }

/**
 * Raised when an expression fails to compile or to evaluate; `path` is where it sits in the task.
 * A secret it cannot read makes it a `validation_error`.
 */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
    readonly type: 'expression_error' | 'validation_error' = 'expression_error',
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
export function compileExpression(
  text: string,
  path: (string | number)[] = [],
  budget: ExpressionBudget = DEFAULT_BUDGET,
): Compiled {
  const source = (WHOLE.exec(text.trim())?.[1] ?? text).trim()
  if (source === '') throw new ExpressionError('empty expression', path)
  const shown = source.length > SHOWN ? `${source.slice(0, SHOWN)}…` : source
  let expression: ReturnType<typeof jsonata>
  try {
    // `sequence` bounds a range before it is allocated; `stack` is the depth budget
    expression = checkedSource(source, { stack: budget.depth, sequence: budget.size })
  } catch (error) {
    const reason =
      error instanceof RegexUnsupported || error instanceof UnsafeExpression ? error.message : describe(error)
    throw new ExpressionError(`invalid expression "${shown}": ${reason}`, path)
  }
  const secrets = secretCalls(expression.ast()).map((name) => {
    const problem = secretNameProblem(name)
    if (problem) throw new ExpressionError(`invalid expression "${shown}": ${problem}`, path)
    return { name, path }
  })
  const misuse = secretMisuse(expression.ast())
  if (misuse) throw new ExpressionError(`invalid expression "${shown}": ${misuse}`, path)
  meter(expression, budget)
  return {
    constant: false,
    secrets,
    async evaluate({ secrets: source, ...document }) {
      try {
        const value = await expression.evaluate(document, { secret: secretFunction(source) })
        return value === undefined ? null : normalize(value)
      } catch (error) {
        if (error instanceof SecretUnavailable) throw new ExpressionError(error.message, path, 'validation_error')
        if (error instanceof UnsafeExpression || error instanceof RegexUnsupported) {
          throw new ExpressionError(`expression "${shown}" failed: ${error.message}`, path)
        }
        const exceeded = budgetExceeded(error, budget)
        const reason = exceeded ? exceeded.message : describe(error)
        throw new ExpressionError(`expression "${shown}" failed: ${reason}`, path)
      }
    },
  }
}

/** How much of an expression's text its errors quote. */
const SHOWN = 200

/** The budget behind an evaluation error, whether our meter or one of JSONata's own guards spoke. */
function budgetExceeded(error: unknown, budget: ExpressionBudget): BudgetExceeded | null {
  if (error instanceof BudgetExceeded) return error
  // V8's own limits: the native stack, or a string or array too long to allocate
  if (error instanceof RangeError) {
    return /call stack/i.test(error.message)
      ? new BudgetExceeded('depth', budget.depth)
      : new BudgetExceeded('size', budget.size)
  }
  const code = error && typeof error === 'object' && 'code' in error ? error.code : null
  if (code === 'D1011') return new BudgetExceeded('depth', budget.depth)
  if (code === 'D2014' || code === 'D2015') return new BudgetExceeded('size', budget.size)
  return null
}

/**
 * JSONata sequences are arrays with extra flags; hand plain JSON onward. A list held twice is
 * copied once, so that a value built by sharing is not unfolded here.
 */
function normalize(value: unknown, copies = new Map<unknown[], unknown[]>()): unknown {
  if (typeof value === 'function') return null
  if (!Array.isArray(value)) return value
  const known = copies.get(value)
  if (known) return known
  const copy: unknown[] = []
  copies.set(value, copy)
  for (const item of value as unknown[]) copy.push(normalize(item, copies))
  return copy
}

/** Compiles a string that may hold `{{ }}` templates. */
export function compileTemplate(
  text: string,
  path: (string | number)[] = [],
  budget: ExpressionBudget = DEFAULT_BUDGET,
): Compiled {
  if (!text.includes('{{')) return constant(text)
  if (WHOLE.test(text) && text.indexOf('{{', 2) === -1) return compileExpression(text, path, budget)
  const parts: (string | Compiled)[] = []
  let last = 0
  for (const match of text.matchAll(TEMPLATE)) {
    if (match.index > last) parts.push(text.slice(last, match.index))
    parts.push(compileExpression(match[1] ?? '', path, budget))
    last = match.index + match[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return {
    constant: false,
    secrets: usesOf(parts),
    async evaluate(context) {
      const values = await Promise.all(parts.map((part) => (typeof part === 'string' ? part : evaluate(part, context))))
      return values.map(asText).join('')
    },
  }
}

/** Compiles any JSON value: strings become templates, objects and arrays are walked. */
export function compileValue(
  value: unknown,
  path: (string | number)[] = [],
  budget: ExpressionBudget = DEFAULT_BUDGET,
): Compiled {
  if (typeof value === 'string') return compileTemplate(value, path, budget)
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileValue(item, [...path, index], budget))
    if (items.every((item) => item.constant)) return constant(value)
    return {
      constant: false,
      secrets: usesOf(items),
      evaluate: (context) => Promise.all(items.map((item) => evaluate(item, context))),
    }
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compileValue(item, [...path, key], budget)] as const,
    )
    if (entries.every(([, item]) => item.constant)) return constant(value)
    return {
      constant: false,
      secrets: usesOf(entries.map(([, item]) => item)),
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

/** The secrets the compiled parts read by a literal name. */
export function usesOf(parts: readonly (string | Compiled)[]): SecretUse[] {
  return parts.flatMap((part) => (typeof part === 'string' || part.constant ? [] : part.secrets))
}
