import { describe, expect, it } from 'vitest'
import { DEFAULT_BUDGET, ExpressionBudget } from '../../src/flow/budget'
import { compileExpression, evaluate, type ExpressionContext, ExpressionError } from '../../src/flow/expression'

const context: ExpressionContext = {
  input: { body: { list: Array.from({ length: 10_000 }, (_, index) => index) } },
  outputs: {},
  vars: {},
  execution: { id: 'e1', flowId: 'f', revision: 1, startedAt: null },
}

/** The message of the ExpressionError an evaluation fails with, and how long it took to fail. */
async function failure(source: string, budget: ExpressionBudget = DEFAULT_BUDGET) {
  const started = performance.now()
  try {
    await evaluate(compileExpression(source, ['tasks', 0, 'values'], budget), context)
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError)
    return { message: (error as ExpressionError).message, ms: performance.now() - started }
  }
  throw new Error(`expected "${source}" to fail`)
}

describe('expression budgets', () => {
  it('stops endless tail recursion on the steps budget', async () => {
    const { message, ms } = await failure('($f := function($x){ $f($x) }; $f(1))')
    expect(message).toContain('exceeded its steps budget of 100000')
    expect(ms).toBeLessThan(5_000)
  })

  it('stops deep non-tail recursion on the depth budget', async () => {
    const { message } = await failure('($f := function($x){ 1 + $f($x + 1) }; $f(1))')
    expect(message).toContain('exceeded its depth budget of 500')
  })

  it('refuses a range larger than the size budget before allocating it', async () => {
    const { message, ms } = await failure('$count([1..10000000])')
    expect(message).toContain('exceeded its size budget')
    expect(ms).toBeLessThan(1_000)
  })

  it('stops a quadratic product of ranges on the size budget', async () => {
    const { message } = await failure('$count([1..10000].([1..10000]))')
    expect(message).toContain('exceeded its size budget')
  })

  it('stops a string that doubles itself on the size budget', async () => {
    const { message } = await failure('$reduce([1..40], function($s, $v){ $s & $s }, "ab")')
    expect(message).toContain('exceeded its size budget')
  })

  it('stops a long reduce on the steps budget', async () => {
    const { message } = await failure('$reduce([1..1000000], function($a, $v){ $a + $v })')
    expect(message).toContain('exceeded its steps budget')
  })

  it('gives the same verdict on every evaluation', async () => {
    const source = '$reduce([1..1000000], function($a, $v){ $a + $v })'
    const first = await failure(source)
    const second = await failure(source)
    expect(second.message).toBe(first.message)
  })

  it('does not charge a loop for reading a list that already exists', async () => {
    const compiled = compileExpression('$count([1..2000][$ in $$.input.body.list])')
    await expect(evaluate(compiled, context)).resolves.toBe(2000)
  })

  it('applies a budget a flow declares', async () => {
    const tight = ExpressionBudget.parse({ steps: 100 })
    const { message } = await failure('$sum([1..100].($ * 2))', tight)
    expect(message).toContain('exceeded its steps budget of 100')
    expect(await evaluate(compileExpression('$sum([1..100].($ * 2))'), context)).toBe(10100)
  })

  it('rejects budgets beyond the hard limits', () => {
    expect(ExpressionBudget.safeParse({ steps: 2_000_000 }).success).toBe(false)
    expect(ExpressionBudget.safeParse({ depth: 1 }).success).toBe(false)
  })
})

describe('regular expressions', () => {
  it('matches a catastrophic-backtracking pattern in linear time', async () => {
    const started = performance.now()
    const compiled = compileExpression(`$contains("${'a'.repeat(40)}!", /^(a+)+$/)`)
    await expect(evaluate(compiled, context)).resolves.toBe(false)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('keeps what JSONata regex functions return', async () => {
    const match = compileExpression('$match("ab12cd345", /([a-z]+)(\\d+)/)')
    expect(await evaluate(match, context)).toEqual([
      { match: 'ab12', index: 0, groups: ['ab', '12'] },
      { match: 'cd345', index: 4, groups: ['cd', '345'] },
    ])
    expect(await evaluate(compileExpression('$replace("a-b_c", /[-_]/, ".")'), context)).toBe('a.b.c')
    expect(await evaluate(compileExpression('$split("a1b22c", /\\d+/)'), context)).toEqual(['a', 'b', 'c'])
    expect(await evaluate(compileExpression('$contains("HeLLo", /hello/i)'), context)).toBe(true)
    expect(await evaluate(compileExpression('$match("x\\ny", /^y$/m).match'), context)).toBe('y')
  })

  it('refuses a pattern RE2 cannot run when the expression is compiled', () => {
    expect(() => compileExpression('$contains("ab", /a(?=b)/)', ['tasks', 0, 'if'])).toThrow(
      /regular expression \/a\(\?=b\)\/ is not supported/,
    )
    expect(() => compileExpression('$contains("aa", /(a)\\1/)')).toThrow(ExpressionError)
  })
})
