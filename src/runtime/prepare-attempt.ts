/** @module Getting an attempt ready: the task's `if`, then its parameters resolved and checked. */
import type { ActionResult } from '../actions/define'
import { truthy } from '../domain/truthy'
import type { CompiledTask } from '../flow/compile'
import { evaluate, type ExpressionContext } from '../flow/expression'
import { toTaskError } from '../domain/errors'
import { MAX_OUTPUT_SIZE } from './bounds'
import { jsonBytes } from './json-bytes'
import { resolveParams } from './params'
import type { Masker } from './secrets'

export type Prepared =
  /** The task's `if` is false: the run is skipped, no attempt. */
  | { kind: 'skip' }
  /** An attempt with these (resolved) parameters; `input` is what the attempt records. */
  | { kind: 'run'; params: Record<string, unknown>; input: unknown }
  /** An attempt that fails before its action runs (a bad expression or parameter). */
  | { kind: 'fail'; input: unknown; result: ActionResult }

/** The attempt of `task` in `context`; the input it records has its secrets masked by `secrets`. */
export async function prepareAttempt(
  task: CompiledTask,
  context: ExpressionContext,
  secrets: Masker,
): Promise<Prepared> {
  if (task.condition) {
    try {
      if (!truthy(await evaluate(task.condition, context))) return { kind: 'skip' }
    } catch (error) {
      return { kind: 'fail', input: null, result: { kind: 'failed', error: toTaskError(error, 'expression_error') } }
    }
  }
  const resolved = await resolveParams(task, context)
  // a foreach's items are kept apart (they can be many); its attempt records how many
  const input = recorded(
    task.task.type === 'foreach' && Array.isArray(resolved.params.items)
      ? { ...resolved.params, items: `${resolved.params.items.length} items` }
      : resolved.params,
    secrets,
  )
  if (!resolved.ok) return { kind: 'fail', input, result: { kind: 'failed', error: resolved.error } }
  return { kind: 'run', params: resolved.params, input }
}

/** Every attempt records its input: a large one is summarized, so that retries cannot outgrow a row. */
export const MAX_RECORDED_INPUT = 16 * 1024

function recorded(input: Record<string, unknown>, secrets: Masker): unknown {
  // measured before masking, which copies the value: a value too large is not walked twice
  const unmasked = jsonBytes(input, MAX_RECORDED_INPUT)
  if (unmasked > MAX_RECORDED_INPUT) return { truncated: true, size: jsonBytes(input, MAX_OUTPUT_SIZE) }
  const masked = secrets.mask(input)
  // no secret to mask gives the value back as it is: its size is known
  const size = masked === input ? unmasked : jsonBytes(masked, MAX_RECORDED_INPUT)
  return size > MAX_RECORDED_INPUT ? { truncated: true, size } : masked
}

/** Runs an action; anything it throws becomes a failed result. */
export async function runAction(run: () => ActionResult | Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await run()
  } catch (error) {
    return { kind: 'failed', error: toTaskError(error) }
  }
}
