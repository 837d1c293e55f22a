/**
 * @module Metered copies of JSONata's functions: each charges its cost (`native-costs.ts`) before
 * it runs and its result after, whether an expression calls it or another function does (`$map`
 * over `$pad(?, n)` calls `$pad` from inside `$map`, where no evaluation hook sees it). Functions
 * that build regular expressions from what an expression wrote run with `RegExp` on RE2.
 */
import type { Spending } from './meter'
import { NATIVE_COSTS, type NativeName } from './native-costs'
import { jsonataNatives, type NativeDefinition, type NativeFocus } from './natives'
import { withLinearRegExp } from './regex'
import { evalSecretsProblem } from './secret-use'
import { checkedSource, UnsafeExpression } from './checked-source'

type Implementation = NativeDefinition['implementation']

/** Natives that turn a picture or an expression's text into a `RegExp` of JSONata's making. */
const BUILDS_REGEXPS: ReadonlySet<NativeName> = new Set(['toMillis', 'eval'])

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'

/**
 * `$now` and `$millis` are bound per expression, to the time of each evaluation, so there is no
 * one definition of them to wrap: these read that time from the frame, as JSONata's own do.
 */
function clockNatives(fromMillis: Implementation): Record<'now' | 'millis', Implementation> {
  return {
    now: function now(this: NativeFocus, picture: unknown, timezone: unknown) {
      return fromMillis.call(this, this.environment.timestamp?.getTime(), picture, timezone)
    },
    millis: function millis(this: NativeFocus) {
      return this.environment.timestamp?.getTime()
    },
  }
}

/** The definitions to bind over JSONata's own, each charging `spentBy(frame)` of the frame it is called in. */
export function meteredNatives(
  spentBy: (frame: NativeFocus['environment']) => Spending,
): [NativeName, NativeDefinition][] {
  const natives = jsonataNatives()
  const fromMillis = natives.get('fromMillis')?.implementation
  if (!fromMillis) throw new Error('JSONata has no $fromMillis')
  const clocks = clockNatives(fromMillis)
  return (Object.keys(NATIVE_COSTS) as NativeName[]).map((name) => {
    const native = natives.get(name)
    const own = name === 'now' || name === 'millis' ? clocks[name] : native?.implementation
    if (!native || !own) throw new Error(`JSONata has no $${name}`)
    return [name, { ...native, implementation: metered(name, own, spentBy) }]
  })
}

function metered(
  name: NativeName,
  native: Implementation,
  spentBy: (frame: NativeFocus['environment']) => Spending,
): Implementation {
  const rule = NATIVE_COSTS[name]
  const run = (focus: NativeFocus, args: unknown[]) => {
    if (name === 'eval' && typeof args[0] === 'string') {
      const problem = evalSecretsProblem(checkedSource(args[0]).ast())
      if (problem) throw new UnsafeExpression(problem)
    }
    return BUILDS_REGEXPS.has(name) ? withLinearRegExp(() => native.apply(focus, args)) : native.apply(focus, args)
  }
  const wrapped = function (this: NativeFocus, ...args: unknown[]): unknown {
    const spent = spentBy(this.environment)
    const { work, size } = rule(args, spent)
    spent.work(work)
    spent.reserve(size)
    const result = run(this, args)
    return isPromise(result) ? result.then((value) => spent.returned(value)) : spent.returned(result)
  }
  // JSONata reads a native's parameters from its text (partial application) and its arity from `length`
  Object.defineProperty(wrapped, 'length', { value: native.length })
  Object.defineProperty(wrapped, 'toString', { value: () => native.toString() })
  return wrapped
}
