/** @module Resolving a task's parameters for one attempt: templates evaluated, then checked by the action's schema. */
import * as z from 'zod'
import type { Action } from '../actions/define'
import type { CompiledTask } from '../flow/compile'
import { evaluate, type ExpressionContext } from '../flow/expression'
import { formatPath } from '../flow/issues'
import { toTaskError, type TaskError } from '../domain/errors'

const schemas = new WeakMap<Action, z.ZodObject>()

function schemaOf(action: Action): z.ZodObject {
  let schema = schemas.get(action)
  if (!schema) {
    schema = z.object(action.params)
    schemas.set(action, schema)
  }
  return schema
}

export type Resolved =
  { ok: true; params: Record<string, unknown> } | { ok: false; error: TaskError; params: Record<string, unknown> }

/** Evaluates every parameter of the task in `context` and validates the result. */
export async function resolveParams(task: CompiledTask, context: ExpressionContext): Promise<Resolved> {
  const raw: Record<string, unknown> = {}
  try {
    for (const [name, compiled] of task.params) raw[name] = await evaluate(compiled, context)
  } catch (error) {
    return { ok: false, error: toTaskError(error, 'expression_error'), params: raw }
  }
  const parsed = schemaOf(task.action).safeParse(raw)
  if (parsed.success) return { ok: true, params: parsed.data }
  const issue = parsed.error.issues[0]
  const field = String(issue?.path[0] ?? '')
  const type = task.action.expressions.includes(field) ? 'expression_error' : 'validation_error'
  const message = parsed.error.issues.map((each) => `${formatPath(each.path)}: ${each.message}`).join('; ')
  return { ok: false, error: { type, message: `task ${task.task.id}: invalid parameters: ${message}` }, params: raw }
}
