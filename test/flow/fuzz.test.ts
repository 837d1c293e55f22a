import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ExpressionBudget } from '../../src/flow/budget'
import { compileExpression, evaluate, type ExpressionContext, ExpressionError } from '../../src/flow/expression'
import { program } from './expression-grammar'

/**
 * Expressions from a grammar (expression-grammar.ts) must each end — with a value or an
 * `ExpressionError` — within a bound of time and of heap growth. `npm test` runs a fixed seed for
 * a few seconds at a small budget; `npm run fuzz` runs many more at the default budget
 * (FUZZ_RUNS, FUZZ_SEED) and prints any counterexample for the corpus (hostile-corpus.ts).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150)
const SEED = Number(process.env.FUZZ_SEED ?? 20261207)
const LONG = process.env.FUZZ_RUNS !== undefined
const budget = LONG ? ExpressionBudget.parse({}) : ExpressionBudget.parse({ steps: 20_000, size: 500_000, depth: 200 })
/** Time one evaluation may take on a loaded 2-core machine. */
const BOUND_MS = LONG ? 10_000 : 3_000
/** Heap one evaluation may leave grown, where the runtime tells (Node). */
const HEAP_BOUND = 256 * 1024 * 1024

const context: ExpressionContext = {
  input: { body: { list: [1, 2, 3] } },
  outputs: {},
  vars: {},
  execution: { id: 'e1', flowId: 'f', revision: 1, startedAt: null },
}

/** The heap in use after a collection, where the runtime tells (Node, with --expose-gc for the collection). */
function heap(): number | null {
  if (typeof process === 'undefined' || typeof process.memoryUsage !== 'function') return null
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed
}

/** FUZZ_LOG names a file each expression is appended to before it runs: what was running when a worker died. */
const log = async (source: string) => {
  if (!process.env.FUZZ_LOG) return
  const { appendFileSync } = await import('node:fs')
  appendFileSync(process.env.FUZZ_LOG, `${source}\n`)
}

describe('fuzzed expressions', () => {
  it(
    'end within the bounds, with a value or an expression error',
    async () => {
      await fc.assert(
        fc.asyncProperty(program, async (source) => {
          await log(source)
          const before = heap()
          const started = performance.now()
          try {
            await evaluate(compileExpression(source, [], budget), context)
          } catch (error) {
            if (!(error instanceof ExpressionError)) throw error
          }
          expect(performance.now() - started).toBeLessThan(BOUND_MS)
          const after = heap()
          if (before !== null && after !== null) expect(after - before).toBeLessThan(HEAP_BOUND)
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      )
    },
    RUNS * BOUND_MS,
  )
})
