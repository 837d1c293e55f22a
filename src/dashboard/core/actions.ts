/** @module Which operations the API accepts in which execution status (pure), so the page offers only those. */

export type Operation = 'kill' | 'pause' | 'resume' | 'replay' | 'event'

const ACCEPTED: Record<Operation, readonly string[]> = {
  kill: ['pending', 'running', 'delayed', 'waiting', 'paused'],
  pause: ['pending', 'running', 'delayed', 'waiting'],
  resume: ['paused'],
  replay: ['completed', 'warning', 'failed', 'killed'],
  event: ['pending', 'running', 'delayed', 'waiting', 'paused'],
}

export const operationsFor = (status: string): Operation[] =>
  (Object.keys(ACCEPTED) as Operation[]).filter((operation) => ACCEPTED[operation].includes(status))
