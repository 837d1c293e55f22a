/**
 * A grammar of JSONata expressions for the fuzzer: natives with partials, lambdas, recursion,
 * object and array construction, sharing, regexes, date pictures and signatures — small pieces
 * that combine into the shapes hostile expressions take.
 */
import fc from 'fast-check'

const int = (max: number) => fc.integer({ min: 0, max }).map(String)
/** Numbers from tiny to far past every budget. */
const count = fc.oneof(int(10), int(1_000), int(100_000), fc.constantFrom('1e6', '5e7', '1e9', '-3', '0.5'))
const text = fc.oneof(
  fc.constantFrom('""', '"a"', '"ab,cd"', '"2020-01-02"', "'x'"),
  fc.string({ maxLength: 8 }).map((value) => JSON.stringify(value)),
)
const regex = fc.constantFrom(
  '/a/',
  '/(a+)+$/',
  '/(a|a)*b/',
  '/[0-9]+/i',
  '/(.*)(.*)(.*)/',
  '/(?=a)/',
  '/\\1/',
  '/x{1000}/',
)
const picture = fc
  .array(
    fc.constantFrom(
      '[Y]',
      '[M]',
      '[D]',
      '[H]',
      '[m]',
      '[s]',
      '[f]',
      '1',
      '-',
      '[Y,2-4]',
      '[Y,1000000]',
      '[D1o]',
      '[MNn]',
      '#,##0.00',
      '0',
    ),
    {
      minLength: 1,
      maxLength: 10,
    },
  )
  .map((parts) => `'${parts.join('')}'`)
const signature = fc
  .array(fc.constantFrom('x', 'n', 's', 'a', 'f', 'x+', 'n?', 's-', 'a<n>', '(ns)'), { minLength: 1, maxLength: 8 })
  .map((parts) => `<${parts.join('')}>`)

/** An expression of at most `depth` levels of nesting. */
export const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    count,
    text,
    fc.constant('$'),
    fc.tuple(count, count).map(([a, b]) => `[${a}..${b}]`),
    fc.constantFrom('$o', '$x', '$f(3)', '$s'),
    tie('e').map((e) => `$string(${e})`),
    fc.tuple(tie('e'), count, text).map(([e, n, c]) => `$pad(${e}, ${n}, ${c})`),
    count.map((n) => `$map($map([1..10], $string), $pad(?, ${n}))`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `$join(${a}, ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, f]) => `$map(${a}, function($v){ ${f} })`),
    fc.tuple(tie('e'), tie('e')).map(([a, f]) => `$filter(${a}, function($v){ ${f} })`),
    fc.tuple(tie('e'), tie('e')).map(([a, f]) => `$reduce(${a}, function($acc, $v){ ${f} })`),
    tie('e').map((a) => `$sort(${a})`),
    tie('e').map((a) => `$distinct(${a})`),
    tie('e').map((a) => `$spread(${a})`),
    tie('e').map((a) => `$keys(${a})`),
    tie('e').map((a) => `$count(${a}.**)`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `$append(${a}, ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `$zip(${a}, ${b})`),
    fc.tuple(tie('e'), regex, tie('e')).map(([s, r, t]) => `$replace(${s}, ${r}, ${t})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([s, p, t]) => `$replace(${s}, ${p}, ${t})`),
    fc.tuple(tie('e'), regex).map(([s, r]) => `$split(${s}, ${r})`),
    fc.tuple(tie('e'), regex).map(([s, r]) => `$match(${s}, ${r})`),
    fc.tuple(tie('e'), picture).map(([s, p]) => `$toMillis(${s}, ${p})`),
    fc.tuple(count, picture).map(([n, p]) => `$fromMillis(${n}, ${p})`),
    fc.tuple(count, picture).map(([n, p]) => `$formatNumber(${n}, ${p})`),
    fc.tuple(count, picture).map(([n, p]) => `$formatInteger(${n}, ${p})`),
    picture.map((p) => `$now(${p})`),
    tie('e').map((e) => `$eval(${JSON.stringify(e)})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `{"a": ${a}, "b": ${b}}`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `[${a}, ${b}]`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a} & ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a} = ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a}.(${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a}[${b}]`),
    tie('e').map((a) => `(${a} ~> | $ | {"c": 1} |)`),
    fc
      .tuple(signature, tie('e'), fc.integer({ min: 0, max: 60 }))
      .map(([sig, body, args]) => `(function($a)${sig}{ ${body} })(${Array(args).fill('1').join(', ')})`),
    // recursion, with and without sharing
    fc
      .tuple(count, tie('e'))
      .map(
        ([n, leaf]) => `($r := function($n){ $n <= 0 ? ${leaf} : ($o := $r($n - 1); {"a": $o, "b": $o}) }; $r(${n}))`,
      ),
    fc.tuple(count, tie('e')).map(([n, e]) => `($r := function($n){ $n <= 0 ? 0 : 1 + $r($n - 1) + ${e} }; $r(${n}))`),
  ),
})).e

/** An expression with the variables the grammar names bound first. */
export const program = expression.map(
  (body) => `($o := {"k": [1, 2, "three"]}; $x := [1..50]; $s := "ab cd"; $f := function($n){ [1..$n] }; ${body})`,
)
