/**
 * @module Where an expression may put `$secret(…)`: only where its value reaches the expression's
 * result unchanged, so that whatever is recorded holds the whole value (which is masked), never a
 * part or a transformation of it (which could not be). A call is allowed as the expression itself,
 * as a part joined into a string with `&`, as an element of an array or the value of an object the
 * expression builds, as a branch of `? :`, and as the last expression of a block — and nowhere
 * else: not as an argument of a function (`$substring`, `$string`, `$secret` itself), not in a
 * path, a predicate, a sort, a group, a comparison or any other operator, not bound to a variable,
 * not inside a function definition, not as a condition; `$secret` is only ever called by its name,
 * never passed, bound or partially applied. README: Secrets.
 */
import { astNodes } from './ast'

interface Node {
  type?: unknown
  value?: unknown
  procedure?: Node
  arguments?: unknown[]
  expressions?: unknown[]
  lhs?: unknown
  rhs?: unknown
  then?: unknown
  else?: unknown
  condition?: unknown
}

/** The keys a node has when nothing filters, sorts, groups or binds its value. */
const PLAIN = new Set(['type', 'value', 'position', 'procedure', 'arguments', 'expressions', 'lhs', 'rhs'])
const PLAIN_CONDITION = new Set(['type', 'position', 'condition', 'then', 'else'])

/** The keys of a node that hold something (the parser leaves some undefined). */
const keysOf = (node: object) => Object.entries(node).flatMap(([key, value]) => (value === undefined ? [] : [key]))

const isSecret = (node: Node | undefined) => node?.type === 'variable' && node.value === 'secret'
const isSecretCall = (node: Node) => node.type === 'function' && isSecret(node.procedure)

/** Why a parsed expression's use of `$secret` could record a part or a transformation of a secret, or null. */
export function secretMisuse(ast: unknown): string | null {
  // an explicit stack: a deep expression must not overflow ours
  const pending: { node: unknown; safe: boolean; where: string }[] = [{ node: ast, safe: true, where: '' }]
  while (pending.length > 0) {
    const { node, safe, where } = pending.pop() as (typeof pending)[number]
    if (node === null || typeof node !== 'object' || node instanceof RegExp) continue
    if (!safe) {
      const problem = misuseIn(node, where || describe(node as Node))
      if (problem) return problem
      continue
    }
    const children = safeChildren(node as Node)
    if (children === null) {
      pending.push({ node, safe: false, where: describe(node as Node) })
      continue
    }
    if (isSecret(node as Node)) return BARE
    for (const [child, keepsSafe, why] of children) pending.push({ node: child, safe: keepsSafe, where: why })
  }
  return null
}

const BARE = '$secret is only called by its name, as $secret(NAME): it cannot be passed, bound or partially applied'

/** The problem with any `$secret` in a part whose value does not reach the result unchanged. */
function misuseIn(node: object, where: string): string | null {
  for (const each of astNodes(node) as Node[]) {
    if (isSecretCall(each)) {
      return `$secret(…) is only allowed as a whole value or a part joined with & (so that no part or transformation of a secret is ever recorded), not ${where}`
    }
  }
  for (const each of astNodes(node) as Node[]) if (isSecret(each)) return BARE
  return null
}

type Child = [node: unknown, safe: boolean, where: string]

/** The children of a node in a safe place, each with whether its value reaches the node's unchanged; null when none does. */
function safeChildren(node: Node): Child[] | null {
  const keys = keysOf(node)
  const plain = keys.every((key) => (node.type === 'condition' ? PLAIN_CONDITION : PLAIN).has(key))
  if (!plain) return null
  if (isSecretCall(node)) return (node.arguments ?? []).map((arg) => [arg, false, 'as an argument of $secret'])
  switch (node.type) {
    case 'block': {
      const list = node.expressions ?? []
      const discarded = (each: unknown) => (isSecretCall(each as Node) ? 'in a value the block discards' : '')
      return list.map((each, index) => [each, index === list.length - 1, discarded(each)])
    }
    case 'condition':
      return [
        [node.condition, false, 'in a condition'],
        [node.then, true, ''],
        [node.else, true, ''],
      ]
    case 'binary':
      return node.value === '&'
        ? [
            [node.lhs, true, ''],
            [node.rhs, true, ''],
          ]
        : null
    case 'unary':
      if (node.value === '[') return (node.expressions ?? []).map((each) => [each, true, ''])
      if (node.value === '{') {
        return ((node.lhs ?? []) as unknown[][]).flatMap(([key, value]) => [
          [key, false, 'as an object key'],
          [value, true, ''],
        ])
      }
      return null
    case 'variable':
    case 'string':
    case 'number':
    case 'value':
    case 'name':
      return []
    default:
      return null
  }
}

/** Where a value stops reaching the result unchanged, as the error says it. */
function describe(node: Node): string {
  const keys = keysOf(node)
  if (['predicate', 'stages', 'group', 'focus', 'index', 'tuple', 'keepArray'].some((key) => keys.includes(key))) {
    return 'filtered, indexed, grouped or bound in a path'
  }
  switch (node.type) {
    case 'function':
    case 'partial':
      return node.procedure?.type === 'variable'
        ? `as an argument of $${String(node.procedure.value)}`
        : 'as an argument of a function'
    case 'apply':
      return 'applied to a function with ~>'
    case 'path':
      return 'in a path'
    case 'bind':
      return 'bound to a variable'
    case 'lambda':
      return 'inside a function definition'
    case 'binary':
      return `as an operand of ${String(node.value)}`
    case 'unary':
      return `as an operand of ${String(node.value)}`
    default:
      return `inside a ${String(node.type)}`
  }
}

/**
 * Why the text `$eval` is about to evaluate cannot run, or null: it may not name `$secret`, for
 * that text is computed while the flow runs, where the check above cannot see it.
 */
export function evalSecretsProblem(ast: unknown): string | null {
  return astNodes(ast).some((node) => isSecret(node as Node))
    ? '$eval cannot read secrets: call $secret(NAME) in the expression itself'
    : null
}
