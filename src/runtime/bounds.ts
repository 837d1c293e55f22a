/**
 * @module What an execution may keep: everything lives in its object's SQLite rows (2 MB at most),
 * so a value that would outgrow them fails its task instead of wedging the execution.
 */
import type { ActionResult } from '../actions/define'
import { jsonBytes } from './json-bytes'
import { type Labels, MAX_LABELS, mergeLabels } from '../domain/labels'

/** The largest output a task run keeps, the largest `vars` and foreach items an execution holds (JSON bytes). */
export const MAX_OUTPUT_SIZE = 1024 * 1024
/** A log line keeps this many characters of its message (at most 3 bytes each in a row). */
export const MAX_LOG_MESSAGE = 8 * 1024

/** The failure of a value too large to keep in a row. */
export function tooLarge(what: string, size: number): ActionResult {
  return {
    kind: 'failed',
    error: { type: 'validation_error', message: `${what} ${size} bytes; at most ${MAX_OUTPUT_SIZE} are kept` },
  }
}

/**
 * A result as it may be kept, with the vars it leaves (`vars` unchanged when it sets none):
 * an output or vars over the bound turn the result into a failure.
 */
export function withinBounds(
  result: ActionResult,
  vars: Record<string, unknown>,
): { result: ActionResult; vars: Record<string, unknown> } {
  if (result.kind !== 'completed') return { result, vars }
  const size = jsonBytes(result.output, MAX_OUTPUT_SIZE)
  if (size > MAX_OUTPUT_SIZE) return { result: tooLarge(`the task's output is`, size), vars }
  if (!result.vars) return { result, vars }
  const merged = { ...vars, ...result.vars }
  const total = jsonBytes(merged, MAX_OUTPUT_SIZE)
  if (total > MAX_OUTPUT_SIZE) return { result: tooLarge('vars would hold', total), vars }
  return { result, vars: merged }
}

/**
 * A result as it may be kept, with the labels it leaves (`labels` unchanged when it sets none): a
 * `label` task that would bring the execution past `MAX_LABELS` fails with a validation_error.
 */
export function withinLabels(result: ActionResult, labels: Labels): { result: ActionResult; labels: Labels } {
  if (result.kind !== 'completed' || !result.labels) return { result, labels }
  const merged = mergeLabels(labels, result.labels)
  if (merged) return { result, labels: merged }
  const count = Object.keys({ ...labels, ...result.labels }).length
  const message = `an execution carries ${MAX_LABELS} labels at most; these would make ${count}`
  return { result: { kind: 'failed', error: { type: 'validation_error', message } }, labels }
}

/** Foreach items kept in one row, or the failure of items too large for it. */
export function itemsTooLarge(items: unknown[]): ActionResult | null {
  const size = jsonBytes(items, MAX_OUTPUT_SIZE)
  return size > MAX_OUTPUT_SIZE ? tooLarge(`the foreach's items are`, size) : null
}

/** A log message as a row keeps it. */
export function clipped(message: string): string {
  return message.length > MAX_LOG_MESSAGE
    ? `${message.slice(0, MAX_LOG_MESSAGE)}… (${message.length} characters in all)`
    : message
}
