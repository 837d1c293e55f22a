/** @module The execution's status (pure): derived after every event from its active task runs. */
import type { Draft, EngineState } from './state'
import { canTransitionExecution, FINAL_EXECUTION } from './transitions'
import type { ExecutionStatus } from '../domain/types'
import { InvariantViolated } from '../domain/errors'

/** After every event: derive the execution's status from its active runs and bump the version. */
export function settle(d: Draft, before: EngineState['exec']): void {
  const status = nextStatus(d)
  if (status !== d.exec.status) {
    if (!canTransitionExecution(d.exec.status, status)) {
      throw new InvariantViolated(`execution cannot go from ${d.exec.status} to ${status}`)
    }
    d.updateExec({ status })
  }
  const wakeAt = status === 'delayed' ? earliestWake(d) : null
  if (wakeAt !== d.exec.wakeAt) d.updateExec({ wakeAt })
  if (
    d.exec.status !== before.status ||
    d.exec.output !== before.output ||
    d.exec.error !== before.error ||
    d.exec.wakeAt !== before.wakeAt
  ) {
    d.updateExec({ version: before.version + 1 })
  }
}

function nextStatus(d: Draft): ExecutionStatus {
  const current = d.exec.status
  if (current === 'killing' || current === 'queued' || FINAL_EXECUTION.has(current)) return current
  if (d.exec.paused) return 'paused'
  if (d.exec.startedAt === null) return 'pending'
  let waiting = false
  let delayed = false
  for (const run of d.activeRuns()) {
    if (run.progress) continue
    if (run.status === 'pending' || run.status === 'running') return 'running'
    if (run.status === 'waiting') waiting = true
    if (run.status === 'delayed') delayed = true
  }
  return waiting ? 'waiting' : delayed ? 'delayed' : 'running'
}

function earliestWake(d: Draft): number | null {
  let earliest: number | null = null
  for (const run of d.activeRuns()) {
    if (run.wakeAt !== null && (earliest === null || run.wakeAt < earliest)) earliest = run.wakeAt
  }
  return earliest
}
