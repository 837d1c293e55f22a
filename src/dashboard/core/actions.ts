/**
 * @module Which operations the API accepts in which execution status (pure), so the page offers
 * only those: read off the moves of core/transitions.ts, so that a new status is offered what it allows.
 */
import { canTransitionExecution, EXECUTION_STATUSES, FINAL_EXECUTION, PAUSABLE_EXECUTION } from '../../core/transitions'
import type { ExecutionStatus } from '../../domain/types'

export type Operation = 'kill' | 'pause' | 'resume' | 'replay' | 'event'

const statuses = (accepts: (status: ExecutionStatus) => boolean): ReadonlySet<string> =>
  new Set(EXECUTION_STATUSES.filter(accepts))

const ACCEPTED: Record<Operation, ReadonlySet<string>> = {
  kill: statuses((status) => status !== 'killing' && canTransitionExecution(status, 'killing')),
  pause: PAUSABLE_EXECUTION,
  resume: new Set<ExecutionStatus>(['paused']),
  replay: FINAL_EXECUTION,
  // an event is kept or delivered while the execution may still run
  event: statuses((status) => !FINAL_EXECUTION.has(status) && status !== 'killing'),
}

export const operationsFor = (status: string): Operation[] =>
  (Object.keys(ACCEPTED) as Operation[]).filter((operation) => ACCEPTED[operation].has(status))
