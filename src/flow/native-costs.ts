/**
 * @module What each of JSONata's functions costs, known from its arguments before it runs: `work`
 * in units of linear work (a character read, an item visited), `size` the most characters or items
 * its result can hold beyond what its arguments already hold. The meter charges `work` to the
 * steps budget and refuses a call whose `size` the size budget cannot cover — before the
 * function allocates anything. Functions whose result is no larger than their arguments have no
 * `size`: what they return is weighed like every other value produced.
 *
 * Every function JSONata registers has a rule (test/flow/native-costs.test.ts reads the library's
 * source to hold it to that), so a JSONata upgrade cannot bring in an unmetered one.
 */

/** Weighs a value as JSON (flow/weight.ts), within the evaluation's size budget. */
export interface Measure {
  weight(value: unknown): number
}

export interface NativeCost {
  readonly work: number
  readonly size: number
}

type Rule = (args: readonly unknown[], measure: Measure) => NativeCost

/** Characters of a string, items of an array, keys of an object; 0 for anything else. */
export function extent(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length
  if (value !== null && typeof value === 'object') return Object.keys(value).length
  return 0
}

/**
 * Units of work per node of a deep walk that compares or gathers (`=` on two objects, `$distinct`,
 * `**`): listing, sorting and comparing keys costs about a hundred times a character copied.
 */
export const DEEP_WORK = 100

/**
 * Units of work per character of a string JSONata splits into an array of characters first
 * (`$length`, `$substring`, `$pad`): `$length` of a million characters takes as long as about
 * 50,000 steps, measured side by side.
 */
const CHARACTER_WORK = 50

/** Units of work per comparison `$sort` makes. */
const COMPARISON_WORK = 1_000

/** Units of work per character JSONata writes as JSON: its replacer is called for every value. */
const JSON_WORK = 10

const cost = (work: number, size = 0): NativeCost => ({ work, size })
const constant: Rule = () => cost(1)
/** One pass over the first argument. */
const linear: Rule = ([first]) => cost(1 + extent(first))
/** One pass over every argument. */
const linearAll: Rule = (args) => cost(1 + args.reduce<number>((sum, arg) => sum + extent(arg), 0))
/** A walk of the whole first argument, nested values included. */
const deep: Rule = ([first], measure) => cost(1 + measure.weight(first))

const finite = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.abs(Math.trunc(value)) : Number.POSITIVE_INFINITY

/** The numbers a picture holds (widths such as `[Y,4-8]`): a picture may ask for that many characters. */
const pictureWidths = (picture: unknown): number =>
  typeof picture === 'string' ? (picture.match(/\d{1,16}/g) ?? []).reduce((sum, digits) => sum + Number(digits), 0) : 0

/** A formatted date or number: the picture's text a few times over, plus any width it asks for. */
const picture: Rule = ([, text, options], measure) =>
  cost(1 + extent(text), 64 + 8 * extent(text) + pictureWidths(text) + 64 * measure.weight(options ?? null))

/** `$pad(str, width, char)`: JSONata builds the whole padding out of `char` before it cuts it. */
const pad: Rule = ([text, width, char]) => {
  const padding = Math.max(0, finite(width) - extent(text))
  const built = padding * Math.max(1, extent(char))
  // the text is split into characters to count them, and so is a padding of more than one character
  return cost(1 + (extent(text) + (extent(char) > 1 ? built : 0)) * CHARACTER_WORK + built, built)
}

/** A function that splits its string into an array of characters. */
const characters: Rule = ([text]) => cost(1 + extent(text) * CHARACTER_WORK)

/** `$join(strings, separator)`: every string once, the separator between each two. */
const join: Rule = ([strings, separator]) => {
  const items = Array.isArray(strings) ? (strings as unknown[]) : []
  const text = items.reduce<number>((sum, item) => sum + extent(item), 0)
  const separators = Math.max(0, items.length - 1) * extent(separator)
  return cost(1 + text + separators, text + separators)
}

/**
 * `$replace(str, pattern, replacement, limit)`: each match (at most one per character, plus one)
 * becomes the replacement, whose `$n` references each copy at most the whole string.
 */
const replace: Rule = ([text, , replacement, limit]) => {
  const length = extent(text)
  const matches = Math.min(length + 1, limit === undefined ? Number.POSITIVE_INFINITY : finite(limit))
  if (typeof replacement !== 'string') return cost(1 + length)
  const references = (replacement.match(/\$\d/g) ?? []).length
  return cost(1 + length, matches * replacement.length + references * length)
}

/** `$string(value, prettify)`: the JSON text, indented when asked. */
const string: Rule = ([value, prettify], measure) => {
  const weight = measure.weight(value)
  return cost(1 + weight * JSON_WORK, prettify === true ? 4 * weight : weight)
}

/** `$spread`: an array's items are appended one by one, each append copying the list so far. */
const spread: Rule = ([value], measure) => {
  const weight = measure.weight(value)
  return cost(1 + weight + (Array.isArray(value) ? (weight * weight) / 2 : 0))
}

/**
 * `$sort`: n·log n comparisons, each awaited inside JSONata's merge sort — about a step each,
 * measured (a million numbers ran out of heap before the cost said so).
 */
const sort: Rule = ([items]) => {
  const n = extent(items)
  return cost(1 + n * Math.max(1, Math.ceil(Math.log2(n + 1))) * COMPARISON_WORK)
}

/** `$distinct`: each item compared, deeply, with those kept before it. */
const distinct: Rule = ([items], measure) => cost(1 + (extent(items) * measure.weight(items) * DEEP_WORK) / 2)

export const NATIVE_COSTS = {
  sum: linear,
  count: linear,
  max: linear,
  min: linear,
  average: linear,
  string,
  substring: characters,
  substringBefore: linearAll,
  substringAfter: linearAll,
  lowercase: linear,
  uppercase: linear,
  length: characters,
  trim: linear,
  pad,
  match: linearAll,
  contains: linearAll,
  replace,
  split: linearAll,
  join,
  formatNumber: picture,
  formatBase: () => cost(1, 80),
  formatInteger: picture,
  parseInteger: linearAll,
  number: linear,
  floor: constant,
  ceil: constant,
  round: constant,
  abs: constant,
  sqrt: constant,
  power: constant,
  random: constant,
  boolean: deep,
  not: deep,
  map: linear,
  zip: linearAll,
  filter: linear,
  single: linear,
  reduce: linear,
  sift: linear,
  keys: deep,
  lookup: deep,
  append: linearAll,
  exists: constant,
  spread,
  merge: deep,
  reverse: linear,
  each: linear,
  error: linear,
  assert: linearAll,
  type: constant,
  sort,
  shuffle: linear,
  distinct,
  base64encode: ([text]) => cost(1 + extent(text), 4 * extent(text) + 4),
  base64decode: linear,
  encodeUrlComponent: ([text]) => cost(1 + extent(text), 9 * extent(text)),
  encodeUrl: ([text]) => cost(1 + extent(text), 9 * extent(text)),
  decodeUrlComponent: linear,
  decodeUrl: linear,
  eval: linearAll,
  toMillis: linearAll,
  fromMillis: picture,
  clone: ([value], measure) => cost(1 + measure.weight(value) * JSON_WORK * 2, measure.weight(value)),
  // bound per evaluation rather than once: `$now(picture)` formats like `$fromMillis`
  now: ([text, zone], measure) => picture([null, text, zone], measure),
  millis: constant,
} as const satisfies Record<string, Rule>

export type NativeName = keyof typeof NATIVE_COSTS
