/**
 * @module Regular expressions in JSONata run on RE2 (re2js), whose matching time is linear in the
 * input: `/^(a+)+$/` cannot backtrack for ever. Patterns RE2 cannot express (look-arounds,
 * back-references) are refused when the flow is saved, with their place in the flow.
 */
import { RE2JS } from 're2js'
import { astNodes } from './ast'

/** A pattern RE2 rejects, with RE2's reason. */
export class RegexUnsupported extends Error {
  readonly type = 'regex_unsupported'
}

const compiled = new Map<string, RE2JS>()
const CACHE_SIZE = 500

/** RE2's version of a JSONata regex literal (flags `i` and `m`; JSONata adds `g` itself). */
export function compileRegex(pattern: RegExp): RE2JS {
  const key = `${pattern.flags}/${pattern.source}`
  const cached = compiled.get(key)
  if (cached) return cached
  const flags = (pattern.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (pattern.multiline ? RE2JS.MULTILINE : 0)
  let regex: RE2JS
  try {
    regex = RE2JS.compile(pattern.source, flags)
  } catch (error) {
    throw new RegexUnsupported(
      `regular expression /${pattern.source}/ is not supported (edgeflow runs RE2 syntax, without look-arounds or back-references): ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string)
  compiled.set(key, regex)
  return regex
}

/** The slice of `RegExp` JSONata uses (`lastIndex`, `exec`), matched by RE2. */
export class LinearRegex {
  lastIndex = 0
  private readonly regex: RE2JS

  constructor(pattern: RegExp) {
    this.regex = compileRegex(pattern)
  }

  exec(text: string): RegExpExecArray | null {
    const matcher = this.regex.matcher(text)
    if (this.lastIndex > text.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0
      return null
    }
    const groups: (string | undefined)[] = []
    for (let group = 0; group <= matcher.groupCount(); group++) groups.push(matcher.group(group) ?? undefined)
    const match = Object.assign(groups, { index: matcher.start(), input: text }) as RegExpExecArray
    this.lastIndex = matcher.end()
    return match
  }
}

const NativeRegExp = globalThis.RegExp

/**
 * A `RegExp` whose matching runs on RE2. JSONata builds a few regular expressions of its own from
 * what an expression writes — the picture of `$toMillis`, a lambda's signature — with
 * `new RegExp(...)`; while `withLinearRegExp` runs, that name means this class, so those match in
 * linear time too. It is still a `RegExp` (`instanceof`, `source`, `flags`), and every matching
 * method (`test`, `String.prototype.match`, `replace`, `split`) goes through `exec` by the
 * language's own rules.
 */
class Re2RegExp extends NativeRegExp {
  override exec(text: string): RegExpExecArray | null {
    const scan = new LinearRegex(this)
    const from = this.global || this.sticky ? this.lastIndex : 0
    scan.lastIndex = from
    const match = scan.exec(String(text))
    if (this.global || this.sticky) this.lastIndex = match ? scan.lastIndex : 0
    return match && this.sticky && match.index !== from ? null : match
  }
}

/**
 * Runs `run` (synchronous) with the global `RegExp` matching on RE2. Safe because nothing else
 * runs in this isolate until `run` returns: the swap never outlives one synchronous call.
 */
export function withLinearRegExp<T>(run: () => T): T {
  globalThis.RegExp = Re2RegExp as RegExpConstructor
  try {
    return run()
  } finally {
    globalThis.RegExp = NativeRegExp
  }
}

/** The regex literals in a parsed JSONata expression. */
export function regexLiterals(ast: unknown): RegExp[] {
  return astNodes(ast).filter((node) => node instanceof RegExp)
}
