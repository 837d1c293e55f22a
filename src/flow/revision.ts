/** @module Revision identity: two definitions are the same revision when their canonical JSON is. */
import { sha256 } from '../domain/ids'

/** JSON with object keys sorted, so that key order never makes a new revision. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export const revisionHash = (definition: unknown): Promise<string> => sha256(canonicalJson(definition))
