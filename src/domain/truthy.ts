/** @module JSONata's boolean cast, shared by `if` tasks and every task's `if`. */

/** Empty strings, arrays and objects, 0 and null are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy)
  if (value && typeof value === 'object') return Object.keys(value).length > 0
  return Boolean(value)
}
