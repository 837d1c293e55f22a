/**
 * @module The work one expression evaluation may do, declared per flow within hard limits.
 * Counted in evaluation steps, nesting depth and the size of the values produced rather than in
 * time, because workerd's clock stands still during CPU-bound code, and because a count gives the
 * same verdict on every retry and replay.
 */
import * as z from 'zod'

/** The ceilings a flow cannot raise: beyond them one evaluation would hold its execution for many seconds. */
export const BUDGET_LIMITS = { steps: 1_000_000, depth: 2_000, size: 50_000_000 } as const

/** What a flow gets when it declares nothing: well under a second of evaluation, far beyond any ordinary template. */
export const DEFAULT_BUDGET = { steps: 100_000, depth: 500, size: 5_000_000 } as const

export const ExpressionBudget = z.strictObject({
  /** Evaluation steps (one per JSONata node evaluated, function bodies included). */
  steps: z.int().min(100).max(BUDGET_LIMITS.steps).default(DEFAULT_BUDGET.steps),
  /** Nesting of evaluations: non-tail recursion deepens it. */
  depth: z.int().min(10).max(BUDGET_LIMITS.depth).default(DEFAULT_BUDGET.depth),
  /** Array items plus string characters produced, summed over the whole evaluation. */
  size: z.int().min(1_000).max(BUDGET_LIMITS.size).default(DEFAULT_BUDGET.size),
})
export type ExpressionBudget = z.infer<typeof ExpressionBudget>

/** Which part of the budget ran out. */
export type BudgetKind = keyof ExpressionBudget

/** Thrown from inside an evaluation when one of its budgets runs out. */
export class BudgetExceeded extends Error {
  readonly type = 'budget_exceeded'
  constructor(
    readonly kind: BudgetKind,
    readonly limit: number,
  ) {
    super(`expression exceeded its ${kind} budget of ${limit} (expressionBudget.${kind} in the flow)`)
  }
}
