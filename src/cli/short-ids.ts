/**
 * @module Short execution ids, as git shortens commits (pure): the list shows each id by the
 * shortest prefix that tells the listed ones apart (8 characters at least), and every command taking
 * an execution id accepts a prefix, found through the list's `idPrefix` filter.
 */

/** The shortest prefix the list shows. */
export const MIN_SHORT_ID = 8

/** An execution id in full: an object's unique id (64 hex digits) or a derived one (a UUID). */
const FULL_ID = /^(?:[0-9a-f]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/
/** What the API's `idPrefix` takes: 4 to 64 lowercase hex digits and dashes. */
const PREFIX = /^[0-9a-f-]{4,64}$/

/** How many candidates a lookup asks for: enough to name a few when the prefix is ambiguous. */
export const PREFIX_CANDIDATES = 10

/** The length at which every id of `ids` differs from the others (at least `MIN_SHORT_ID`). */
export function shortIdLength(ids: readonly string[]): number {
  const distinct = [...new Set(ids)]
  const longest = Math.max(MIN_SHORT_ID, ...distinct.map((id) => id.length))
  for (let length = MIN_SHORT_ID; length < longest; length++) {
    if (new Set(distinct.map((id) => id.slice(0, length))).size === distinct.length) return length
  }
  return longest
}

/** Whether `id` is worth a lookup by prefix: not a full id, but something `idPrefix` takes. */
export const isIdPrefix = (id: string): boolean => !FULL_ID.test(id) && PREFIX.test(id)

export type Resolved = { ok: true; executionId: string } | { ok: false; message: string }

/**
 * The execution a prefix names among the ids the list found starting with it (`more`: the list had
 * more than these). None found: the prefix as it is, for the API to answer (an execution too new to be
 * listed yet, or a 404).
 */
export function resolvePrefix(prefix: string, found: readonly string[], more: boolean): Resolved {
  if (found.includes(prefix)) return { ok: true, executionId: prefix }
  const [only, ...others] = found
  if (only === undefined) return { ok: true, executionId: prefix }
  if (others.length === 0 && !more) return { ok: true, executionId: only }
  const listed = found.map((id) => `  ${id}`).join('\n')
  return {
    ok: false,
    message: `execution id ${prefix} is ambiguous: ${more ? `more than ${found.length}` : found.length} executions start with it, give more of it:\n${listed}${more ? '\n  …' : ''}`,
  }
}
