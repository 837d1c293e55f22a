/** @module Sizes as SQLite counts them: bytes of UTF-8, not UTF-16 characters. */

const encoder = new TextEncoder()

/** The size in bytes of a value's JSON text, as a row would store it. */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value ?? null)).byteLength
}
