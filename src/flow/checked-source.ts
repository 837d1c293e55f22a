/**
 * @module Parsing an expression's text with the checks that keep its evaluation linear: regex
 * literals must be RE2's (flow/regex.ts), and a lambda's signature (`function($a)<n+s?>{…}`) may
 * hold few quantifiers. JSONata turns a signature into a regular expression and, when the
 * arguments do not fit it, matches prefixes of it with `String.prototype.match`, which always
 * runs V8's backtracking engine: `<x+x+x+…f>` against forty arguments takes minutes. With at most
 * one `+` and a few optional parameters the backtracking is bounded by the number of arguments
 * times 2^optional.
 */
import jsonata from 'jsonata'
import { astNodes } from './ast'
import { compileRegex, LinearRegex, regexLiterals, withLinearRegExp } from './regex'

/** Quantified parameters a signature may hold: one `+`, and this many `?` or `-`. */
export const SIGNATURE_LIMITS = { repeated: 1, optional: 4 } as const

/** An expression text refused before it runs, with the reason. */
export class UnsafeExpression extends Error {
  readonly type = 'unsafe_expression'
}

interface SignatureNode {
  signature?: { definition?: unknown }
}

/** Why the signature `definition` is refused, or null. */
export function signatureProblem(definition: string): string | null {
  const repeated = definition.split('+').length - 1
  const optional = definition.replace(/[^?-]/g, '').length
  if (repeated <= SIGNATURE_LIMITS.repeated && optional <= SIGNATURE_LIMITS.optional) return null
  return `the signature ${definition} has ${repeated} "+" and ${optional} "?" or "-"; at most ${SIGNATURE_LIMITS.repeated} and ${SIGNATURE_LIMITS.optional} are allowed`
}

/**
 * JSONata's parse of `source`, its regular expressions on RE2 (the signatures' too), refused
 * with `UnsafeExpression` when a regex or a signature could make its evaluation slow.
 */
export function checkedSource(source: string, options?: Parameters<typeof jsonata>[1]): ReturnType<typeof jsonata> {
  const expression = withLinearRegExp(() =>
    // JSONata's typings ask for all of RegExp; it only constructs one and calls `exec`
    jsonata(source, { RegexEngine: LinearRegex as unknown as RegExpConstructor, ...options }),
  )
  for (const pattern of regexLiterals(expression.ast())) compileRegex(pattern)
  for (const node of astNodes(expression.ast()) as SignatureNode[]) {
    const definition = node.signature?.definition
    const problem = typeof definition === 'string' ? signatureProblem(definition) : null
    if (problem) throw new UnsafeExpression(problem)
  }
  return expression
}
