/**
 * Every hostile expression found so far — named by issues, found by hand or by the fuzzer
 * (`npm run fuzz` prints what it finds) — with how it must end under the default budget:
 * failing on one budget, or refused before it runs. `npm test` runs them all (sandbox.test.ts).
 */
/** The budget it runs out of, refused (before or as it runs, not by a budget), or ends by itself within the bound. */
export type Verdict = 'steps' | 'size' | 'depth' | 'refused' | 'ends'

export const HOSTILE: readonly { source: string; verdict: Verdict; why: string }[] = [
  // natives called by natives
  {
    source: '$sum($map($map($map([1..60], $string), $pad(?, 50000000)), $length))',
    verdict: 'size',
    why: 'a partial $pad called from $map: killed the runtime (heap) before',
  },
  {
    source: '$sum($map($map($map([1..10], $string), $pad(?, 500000)), $length))',
    verdict: 'size',
    why: 'ten 500,000-character strings, each under the budget, together over it',
  },
  {
    source: "$map($map([1..100], $string), $pad(?, 100000, 'ab'))",
    verdict: 'steps',
    why: 'padding built of a longer string, which JSONata splits into characters',
  },
  { source: "$join($map([1..100000], function(){''}), $pad('', 10000))", verdict: 'steps', why: 'a long separator' },
  { source: "$join(['a','b'], $pad('', 4000000, '-')) & $pad('', 4000000)", verdict: 'size', why: 'two halves' },
  {
    source: "$replace($pad('', 100000, 'a'), 'a', $pad('', 1000, 'b'))",
    verdict: 'size',
    why: 'each match replaced by a long text',
  },
  {
    source:
      "$replace($pad('', 50000, 'a'), /(a*)/, '$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1')",
    verdict: 'size',
    why: 'group references in the replacement',
  },
  { source: "$now('[Y,1000000000]')", verdict: 'size', why: 'a width in the picture of $now' },
  { source: "$fromMillis(0, '[Y0001,1000000000]')", verdict: 'size', why: 'a width in the picture of $fromMillis' },
  {
    source: "$formatNumber(1e300, '#,##0.00', {'grouping-separator': $pad('', 100000, ',')})",
    verdict: 'size',
    why: 'a long separator in the options',
  },
  {
    source: '$spread([5..99994])',
    verdict: 'steps',
    why: 'found by the fuzzer: $spread appends item by item (291 s before)',
  },
  { source: '$sort([287..1e6])', verdict: 'steps', why: 'found by the fuzzer: JSONata ran out of heap sorting it' },
  {
    source: '$count([1..1000000]^($))',
    verdict: 'steps',
    why: 'an order-by sorts inside JSONata: each comparison evaluates its terms',
  },
  { source: '$distinct([1..20000])', verdict: 'steps', why: 'quadratic comparisons inside one native' },
  { source: '$sort([1..200000].($string()))', verdict: 'steps', why: 'n log n comparisons inside one native' },
  {
    source: '$count($reduce([1..3000], function($a, $v){ $append($a, $a) }, [1]))',
    verdict: 'size',
    why: 'doubling by $append',
  },
  // JSONata's own regular expressions
  {
    source: `$toMillis('${'1'.repeat(60)}x', '[Y]1[M]1[D]1[H]1[m]1[s]1[f]1[Y]1[M]1[D]')`,
    verdict: 'ends',
    why: 'a picture whose regex backtracks: blocked every request for 31 s before (now RE2: no match, null)',
  },
  {
    source: `($f := function($a)<x+x+x+x+x+x+x+x+x+x+x+x+f>{1}; $f(${Array(40).fill(1).join(', ')}))`,
    verdict: 'refused',
    why: 'a signature whose regex backtracks: 45 s before',
  },
  {
    source: `$eval('($f := function($a)<x+x+f>{1}; $f(1, 1, 1))')`,
    verdict: 'refused',
    why: 'the same, through $eval',
  },
  { source: `$eval('$contains("aaaa!", /(a+)+(?=b)/)')`, verdict: 'refused', why: 'a look-around through $eval' },
  // shared structure
  {
    source: `($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); {"a": $o, "b": $o}) }; $f(27))`,
    verdict: 'size',
    why: 'a 2^27-leaf value built in 27 steps: recording it blocked the server 37 s before',
  },
  {
    source: `($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); [$o, $o]) }; $f(40))`,
    verdict: 'size',
    why: 'the same with arrays',
  },
  {
    source: `($f := function($n){ $n = 0 ? $pad('', 1000) : ($o := $f($n - 1); {"a": $o, "b": $o}) }; $string($f(20)))`,
    verdict: 'size',
    why: '$string of a shared value',
  },
  {
    source: `($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); {"a": $o, "b": $o}) }; ($o := $f(21); $o ~> | $ | {"c": 1} |))`,
    verdict: 'size',
    why: 'a transform clones its input as JSON',
  },
  {
    source: `($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); {"a": $o, "b": $o}) }; ($a := $f(20); $b := $f(20); [1..1000].($a = $b)))`,
    verdict: 'steps',
    why: 'deep comparisons of two large equal values in a loop',
  },
  {
    source: `($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); {"a": $o, "b": $o}) }; ($o := $f(20); [1..1000].$count($o.**)))`,
    verdict: 'steps',
    why: 'the descendants of a large value, again and again',
  },
  // the classes the first hardening named
  {
    source: `($f := function($n){ $n = 0 ? $pad('', 100) : ($o := $f($n - 1); {"a": $o, "b": $o}) }; ($o := $f(15); [1..1000].($o & '')))`,
    verdict: 'size',
    why: '& writes an object operand as JSON, again and again',
  },
  { source: '($f := function($x){ $f($x) }; $f(1))', verdict: 'steps', why: 'endless tail recursion' },
  { source: '($f := function($x){ 1 + $f($x + 1) }; $f(1))', verdict: 'depth', why: 'deep recursion' },
  { source: '$count([1..10000].([1..10000]))', verdict: 'size', why: 'a product of ranges' },
  { source: '$reduce([1..40], function($s, $v){ $s & $s }, "ab")', verdict: 'size', why: 'a doubling string' },
]
