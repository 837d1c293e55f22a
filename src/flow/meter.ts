/**
 * @module Counts the work of each JSONata evaluation through the evaluator's entry and exit hooks,
 * and gives the event loop a turn every few thousand steps so that one heavy expression does not
 * stop every other request the isolate serves.
 */
import type jsonata from 'jsonata'
import { BudgetExceeded, type ExpressionBudget } from './budget'

const ENTRY = Symbol.for('jsonata.__evaluate_entry')
const EXIT = Symbol.for('jsonata.__evaluate_exit')

/** A few milliseconds of evaluation between turns of the event loop. */
const STEPS_PER_TURN = 5_000

interface Spent {
  steps: number
  size: number
}

/** What an environment knows of itself: `base` is the frame one `evaluate()` call created. */
interface Frame {
  base: object
}

/**
 * Nodes whose result may be a new value; the rest (`$var`, a path, a literal, a block) hand
 * on a value that already exists, and counting those would charge a loop for merely reading a list.
 */
const ALLOCATING = new Set(['unary', 'binary', 'function', 'partial', 'apply', 'transform'])

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** Makes every evaluation of `expression` count against `budget`. */
export function meter(expression: ReturnType<typeof jsonata>, budget: ExpressionBudget): void {
  // one evaluation's frames share its base frame, so it keys the evaluation's spending
  const spending = new WeakMap<object, Spent>()
  const spentBy = (frame: Frame): Spent => {
    let spent = spending.get(frame.base)
    if (!spent) spending.set(frame.base, (spent = { steps: 0, size: 0 }))
    return spent
  }
  expression.assign(ENTRY as unknown as string, (_node: unknown, _input: unknown, frame: Frame) => {
    const spent = spentBy(frame)
    spent.steps += 1
    if (spent.steps > budget.steps) throw new BudgetExceeded('steps', budget.steps)
    return spent.steps % STEPS_PER_TURN === 0 ? turn() : undefined
  })
  expression.assign(
    EXIT as unknown as string,
    (node: { type: string }, _input: unknown, frame: Frame, result: unknown) => {
      if (!ALLOCATING.has(node.type) || (!Array.isArray(result) && typeof result !== 'string')) return
      const spent = spentBy(frame)
      spent.size += result.length
      if (spent.size > budget.size) throw new BudgetExceeded('size', budget.size)
    },
  )
}
