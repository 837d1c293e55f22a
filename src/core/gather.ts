/**
 * @module Gathering triggers into one execution (pure): when a window of gathered triggers starts
 * its execution, what the window keeps of each trigger, and the input the execution gets. The
 * gatherer object (objects/gatherer-object.ts) holds the windows and acts on these decisions.
 */
import { InvariantViolated, unreachable } from '../domain/errors'
import type { ExecutionInput } from '../domain/types'
import type { GatherPolicy } from '../flow/gather'

/**
 * The JSON bytes a window holds at most: the execution's input is kept in one row of its object
 * (2 MB at most), so a batch that would outgrow this starts as it is, and the trigger opens the next.
 */
export const MAX_WINDOW_BYTES = 1024 * 1024

/** One key's open window: the triggers gathered since the last execution started. */
export interface Window {
  firstAt: number
  lastAt: number
  /** Triggers gathered. */
  size: number
  /** JSON bytes of the inputs kept. */
  bytes: number
}

/**
 * When the window's execution starts, as far as is known now. A debounce waits for `period` of quiet
 * after its last trigger — each trigger pushes the start back — but never longer than `timeout` after
 * its first; a batch starts when full, else `timeout` after its first trigger.
 */
export function startsAt(policy: GatherPolicy, window: Window): number {
  switch (policy.kind) {
    case 'debounce':
      return Math.min(window.lastAt + policy.periodMs, window.firstAt + policy.timeoutMs)
    case 'batch':
      return window.size >= policy.maxSize ? window.lastAt : window.firstAt + policy.timeoutMs
    default:
      return unreachable(policy)
  }
}

/**
 * What the window does with a trigger's input: a debounce keeps one input (the last one replaces
 * it, or the first stays), a batch keeps them all.
 */
export function keeping(policy: GatherPolicy, window: Window | null): 'append' | 'replace' | 'drop' {
  switch (policy.kind) {
    case 'debounce':
      if (window === null || policy.keep === 'all') return 'append'
      return policy.keep === 'last' ? 'replace' : 'drop'
    case 'batch':
      return 'append'
    default:
      return unreachable(policy)
  }
}

/** Whether a trigger of `bytes` must go to a new window: the open one could not hold it and stay under the bound. */
export const overflows = (policy: GatherPolicy, window: Window | null, bytes: number): boolean =>
  window !== null && keeping(policy, window) === 'append' && window.bytes + bytes > MAX_WINDOW_BYTES

/**
 * The input of a window's execution, from the inputs it kept (oldest first, at least one). A
 * debounce keeping the last or the first trigger's gets the one input it kept, as that trigger sent
 * it. A batch, and a debounce keeping all, gets `body.items`, each trigger's body in arrival order,
 * with the first trigger's metadata and no headers (each trigger's may differ).
 */
export function gatheredInput(policy: GatherPolicy, kept: readonly ExecutionInput[]): ExecutionInput {
  const [first] = kept
  if (!first) throw new InvariantViolated('a window starts with at least one trigger')
  const items = (): ExecutionInput => ({
    headers: {},
    body: { items: kept.map((input) => input.body) },
    metadata: first.metadata,
  })
  switch (policy.kind) {
    case 'debounce':
      return policy.keep === 'all' ? items() : first
    case 'batch':
      return items()
    default:
      return unreachable(policy)
  }
}
