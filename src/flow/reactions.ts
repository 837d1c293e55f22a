/**
 * @module Flows that react to executions (pure): which flows an ended execution starts, by their
 * `execution` triggers (README, Flows that react to executions). The index queue's consumer asks it
 * for every batch of summaries it writes (objects/reactions.ts).
 */
import type { ExecutionStatus } from '../domain/types'
import type { FlowDefinition, TriggerDefinition } from './schema'

export type ExecutionTrigger = Extract<TriggerDefinition, { type: 'execution' }>

/** A flow with `execution` triggers in its latest revision. */
export interface Watcher {
  flowId: string
  revision: number
  definition: FlowDefinition
  triggers: ExecutionTrigger[]
}

/** What matching needs of an ended execution (its index summary). */
export interface Ended {
  id: string
  flowId: string | null
  status: ExecutionStatus
  labels: Record<string, string> | null
  /** How many reactions led to it (null: none). */
  reactionDepth: number | null
}

/**
 * How many reactions may follow one another: an execution started by a reaction chain this long
 * starts no other, so that a flow that reacts to itself (or two that react to each other) stops.
 */
export const MAX_REACTION_DEPTH = 5

/** Whether one trigger matches an ended execution. */
export function triggerMatches(trigger: ExecutionTrigger, ended: Ended): boolean {
  if (trigger.flowId !== undefined && trigger.flowId !== ended.flowId) return false
  if (!(trigger.statuses as readonly string[]).includes(ended.status)) return false
  return Object.entries(trigger.labels ?? {}).every(([key, value]) => ended.labels?.[key] === value)
}

/**
 * The executions to start: each watcher whose trigger matches once per ended execution (however
 * many of its triggers match), and none for an execution at the end of a chain of reactions.
 */
export function reactionsTo<E extends Ended>(ended: readonly E[], watchers: readonly Watcher[]) {
  const starts: { watcher: Watcher; ended: E }[] = []
  for (const execution of ended) {
    if ((execution.reactionDepth ?? 0) >= MAX_REACTION_DEPTH) continue
    for (const watcher of watchers)
      if (watcher.triggers.some((trigger) => triggerMatches(trigger, execution)))
        starts.push({ watcher, ended: execution })
  }
  return starts
}
