/** @module A resolved value as text: a string as it is, nothing as empty, anything else as JSON. */

/** Text of a resolved value, as interpolated into templates and messages. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}
