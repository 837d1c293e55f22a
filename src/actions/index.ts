/** @module The registry: the only list of task types. */
import type { Action } from './define'
import { InvariantViolated } from '../domain/errors'
import delay from './delay'
import fail from './fail'
import foreach from './foreach'
import http from './http'
import ifAction from './if'
import label from './label'
import log from './log'
import parallel from './parallel'
import returnAction from './return'
import set from './set'
import subflow from './subflow'
import switchAction from './switch'
import wait from './wait'

export const actions = [
  http,
  delay,
  returnAction,
  set,
  log,
  fail,
  ifAction,
  switchAction,
  parallel,
  foreach,
  subflow,
  wait,
  label,
] as const satisfies readonly Action[]

const byType = new Map<string, Action>(actions.map((action) => [action.type, action]))

/** The action of a task type; the flow schema guarantees it exists. */
export function actionOf(type: string): Action {
  const action = byType.get(type)
  if (!action) throw new InvariantViolated(`unknown task type "${type}"`)
  return action
}
