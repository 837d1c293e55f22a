import { describe, expect, it } from 'vitest'
import { compileExpression, evaluate, type ExpressionContext, ExpressionError } from '../../src/flow/expression'
import { HOSTILE } from './hostile-corpus'

const context: ExpressionContext = {
  input: { body: {} },
  outputs: {},
  vars: {},
  execution: { id: 'e1', flowId: 'f', revision: 1, startedAt: null },
}

/** How long any of them may take, on a loaded 2-core machine: they end in well under a second alone. */
const BOUND_MS = 10_000

/** How an expression ended: its value, or the message it failed with. */
async function outcome(source: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    await evaluate(compileExpression(source, ['tasks', 0, 'values', 'v']), context)
    return { ok: true }
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError)
    return { ok: false, message: (error as ExpressionError).message }
  }
}

describe('hostile expressions (the corpus)', () => {
  it.each(HOSTILE)('$verdict: $why', async ({ source, verdict }) => {
    const started = performance.now()
    const ended = await outcome(source)
    expect(performance.now() - started).toBeLessThan(BOUND_MS)
    if (verdict === 'ends') return
    expect(ended.ok).toBe(false)
    const message = ended.ok ? '' : ended.message
    if (verdict === 'refused') expect(message).not.toMatch(/exceeded its \w+ budget/)
    else expect(message).toContain(`exceeded its ${verdict} budget`)
  })
})

describe('what the sandbox leaves alone', () => {
  it.each([
    ['$pad("x", 5)', 'x    '],
    ['$join(["a", "b"], ", ")', 'a, b'],
    ['$map([1, 2, 3], $string)', ['1', '2', '3']],
    ['$map(["a", "bb"], $pad(?, 3, "-"))', ['a--', 'bb-']],
    ["$toMillis('2020-01-02', '[Y]-[M]-[D]')", 1577923200000],
    ["$fromMillis(1577923200000, '[Y0001]-[M01]-[D01]')", '2020-01-02'],
    ['$replace("a-b-c", "-", "+")', 'a+b+c'],
    ['$replace("abc", /(b)/, "[$1]")', 'a[b]c'],
    ['$count($distinct([1, 1, 2, 3, 3]))', 3],
    ['$string({"a": [1, {"b": 2}]})', '{"a":[1,{"b":2}]}'],
    ['$sum($map([1..1000], function($v){ $v * 2 }))', 1001000],
    ['($f := function($a, $b)<nn:n>{ $a + $b }; $f(1, 2))', 3],
    ['$eval("1 + 2")', 3],
    ['($o := {"a": 1}; [$o, $o, $o].a)', [1, 1, 1]],
    ["$formatNumber(1234.5, '#,##0.00')", '1,234.50'],
    ['$millis() > 0 and $now() != ""', true],
  ])('%s', async (source, expected) => {
    expect(await evaluate(compileExpression(source), context)).toEqual(expected)
  })
})
