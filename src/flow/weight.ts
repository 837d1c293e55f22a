/**
 * @module The size of a value in the units of the size budget — a character of a string or a key,
 * one for any other item — counted occurrence by occurrence: a value that holds the same object
 * twice weighs it twice, although it is built once. Memoised per object, so that weighing a value
 * built by doubling one object n times costs n steps, not 2^n: sharing is what lets an expression
 * build a value far larger than the work it did. A value's weight never exceeds the length of its
 * JSON text, so a weight over a bound proves the text is over it too, without writing the text.
 */

/** What weighing remembers of an object it has weighed, to weigh it again in one step. */
interface Weighed {
  /** Items or keys when it was weighed: a container that grew since is weighed again. */
  readonly entries: number
  readonly weight: number
}

/** Weights remembered across the calls that share one `Scale`. */
export type Scale = WeakMap<object, Weighed>

export const newScale = (): Scale => new WeakMap()

const entriesOf = (value: object): number => (Array.isArray(value) ? value.length : Object.keys(value).length)

/**
 * The weight of `value`, or a number above `limit` as soon as it is known to exceed it: weighing
 * stops there, so a huge value costs little to refuse.
 */
export function weigh(value: unknown, limit: number, scale: Scale = newScale()): number {
  if (typeof value === 'string') return Math.max(1, value.length)
  if (value === null || typeof value !== 'object') return value === undefined || typeof value === 'function' ? 0 : 1
  // a JSONata function (a lambda holds its frames, which hold it): JSON leaves it out
  if ('_jsonata_lambda' in value || '_jsonata_function' in value) return 0
  const entries = entriesOf(value)
  const known = scale.get(value)
  if (known && known.entries === entries) return known.weight
  // met again while it is being weighed: a cycle, which no JSON text can hold
  scale.set(value, { entries, weight: Number.POSITIVE_INFINITY })
  let weight = 0
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      weight += weigh(item, limit, scale)
      if (weight > limit) return weight
    }
  } else {
    for (const [key, item] of Object.entries(value)) {
      weight += key.length + weigh(item, limit, scale)
      if (weight > limit) return weight
    }
  }
  weight = Math.max(1, weight)
  scale.set(value, { entries, weight })
  return weight
}
