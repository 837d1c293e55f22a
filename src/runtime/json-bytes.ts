/** @module Sizes as SQLite counts them: bytes of UTF-8, not UTF-16 characters. */
import { weigh } from '../flow/weight'

const encoder = new TextEncoder()

/**
 * The size in bytes of a value's JSON text, as a row would store it — or, when the value is
 * larger than `limit`, a number above `limit` found without writing the text: a value built by
 * sharing one object many times (its text exponentially long) is refused by weighing it first.
 */
export function jsonBytes(value: unknown, limit: number): number {
  const weight = weigh(value ?? null, limit)
  if (weight > limit) return weight
  return encoder.encode(JSON.stringify(value ?? null)).byteLength
}
