/**
 * @module Counts the work of each JSONata evaluation — every node through the evaluator's entry
 * and exit hooks, every native function through a metered copy of it (`metered-natives.ts`),
 * whoever calls it — and gives the event loop a turn every few thousand steps of the isolate's
 * work (flow/turns.ts) so that one heavy expression does not stop every other request it serves.
 */
import type jsonata from 'jsonata'
import { astNodes } from './ast'
import { BudgetExceeded, type ExpressionBudget } from './budget'
import { DEEP_WORK, extent } from './native-costs'
import { meteredNatives } from './metered-natives'
import { spend, turn } from './turns'
import { newScale, weigh, type Scale } from './weight'

const ENTRY = Symbol.for('jsonata.__evaluate_entry')
const EXIT = Symbol.for('jsonata.__evaluate_exit')

/** Units of linear work (characters compared, items copied) that cost as much as one step. */
export const WORK_PER_STEP = 1_000

/**
 * Nodes whose result may be a new value; the rest (`$var`, a path, a literal, a block) hand
 * on a value that already exists, and counting those would charge a loop for merely reading a list.
 */
const ALLOCATING = new Set(['unary', 'binary', 'function', 'partial', 'apply', 'transform'])

/** Nodes that copy the items of an existing list into a new sequence: linear work, charged as such. */
const GATHERING = new Set(['path', 'wildcard', 'parent'])

/** Operators that compare their operands in full: `=` walks two values, `<` reads two strings. */
const COMPARING = new Set(['=', '!=', '<', '<=', '>', '>='])
/** `&` writes an object operand as JSON text. */
const CONCATENATING = '&'

/** The spending of one evaluation, and the rules it is held to. */
export class Spending {
  private steps = 0
  private size = 0
  private readonly scale: Scale = newScale()
  /** What the last native returned: charged by the native, it is seen again by the node that called it. */
  private lastNative: unknown = undefined

  constructor(private readonly budget: ExpressionBudget) {}

  /** One node evaluated; a promise when the event loop is owed a turn. */
  step(): Promise<void> | undefined {
    this.steps += 1
    if (this.steps > this.budget.steps) throw new BudgetExceeded('steps', this.budget.steps)
    return spend(1) ? turn() : undefined
  }

  /** `units` of linear work, at `WORK_PER_STEP` a step. */
  work(units: number): void {
    this.steps += Math.ceil(units / WORK_PER_STEP)
    if (!(this.steps <= this.budget.steps)) throw new BudgetExceeded('steps', this.budget.steps)
  }

  /** Refuses, before anything is allocated, a result that could hold more than the size budget has left. */
  reserve(size: number): void {
    if (!(this.size + size <= this.budget.size)) throw new BudgetExceeded('size', this.budget.size)
  }

  /** A value a node produced: its own new items or characters are spent, and no value may outweigh the budget. */
  produced<T>(value: T): T {
    const charged = this.lastNative
    this.lastNative = undefined
    return value === charged && (typeof value === 'object' || typeof value === 'string') ? value : this.charge(value)
  }

  /** A value a native returned: charged always (two calls may return equal strings), and its making is work. */
  returned<T>(value: T): T {
    this.work(typeof value === 'object' || typeof value === 'string' ? extent(value) : 0)
    this.lastNative = value
    return this.charge(value)
  }

  private charge<T>(value: T): T {
    this.size += typeof value === 'object' || typeof value === 'string' ? extent(value) : 0
    if (this.size > this.budget.size) throw new BudgetExceeded('size', this.budget.size)
    if (value !== null && typeof value === 'object' && this.weight(value) > this.budget.size) {
      throw new BudgetExceeded('size', this.budget.size)
    }
    return value
  }

  /** The JSON weight of `value`, each occurrence counted (flow/weight.ts), known past the budget only as "more". */
  weight(value: unknown): number {
    return weigh(value, this.budget.size, this.scale)
  }
}

/** What an environment knows of itself: `base` is the frame one `evaluate()` call created. */
interface Frame {
  base: object
}

interface Node {
  type: string
  value?: unknown
  lhs?: object
  rhs?: object
}

/**
 * The operands in `ast` whose values an operator reads whole, charged as they are produced, before
 * the operator runs: those it compares, and those `&` writes as text.
 */
function readOperands(ast: unknown): { compared: WeakSet<object>; stringified: WeakSet<object> } {
  const compared = new WeakSet<object>()
  const stringified = new WeakSet<object>()
  for (const node of astNodes(ast) as Node[]) {
    if (node.type !== 'binary') continue
    const into = COMPARING.has(String(node.value)) ? compared : node.value === CONCATENATING ? stringified : null
    if (node.lhs) into?.add(node.lhs)
    if (node.rhs) into?.add(node.rhs)
  }
  return { compared, stringified }
}

/** Makes every evaluation of `expression` count against `budget`. */
export function meter(expression: ReturnType<typeof jsonata>, budget: ExpressionBudget): void {
  // one evaluation's frames share its base frame, so it keys the evaluation's spending
  const spending = new WeakMap<object, Spending>()
  const spentBy = (frame: Frame): Spending => {
    let spent = spending.get(frame.base)
    if (!spent) spending.set(frame.base, (spent = new Spending(budget)))
    return spent
  }
  const operands = readOperands(expression.ast())
  expression.assign(ENTRY as unknown as string, (node: Node, input: unknown, frame: Frame) => {
    const spent = spentBy(frame)
    // `**` walks every value under its input, listing keys as it goes: charged before it starts
    if (node.type === 'descendant') spent.work(spent.weight(input) * DEEP_WORK)
    return spent.step()
  })
  expression.assign(EXIT as unknown as string, (node: Node, _input: unknown, frame: Frame, result: unknown) => {
    const spent = spentBy(frame)
    if (operands.compared.has(node)) spent.work(spent.weight(result) * DEEP_WORK)
    if (operands.stringified.has(node) && typeof result === 'object') spent.reserve(spent.weight(result))
    if (GATHERING.has(node.type) && Array.isArray(result)) spent.work(result.length)
    if (ALLOCATING.has(node.type)) spent.produced(result)
  })
  for (const [name, definition] of meteredNatives(spentBy)) expression.assign(name, definition)
}
