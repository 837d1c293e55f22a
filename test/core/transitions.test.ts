import { describe, expect, it } from 'vitest'
import {
  canTransitionExecution,
  canTransitionTaskRun,
  ACTIVE_RUN,
  EXECUTION_STATUSES,
  FINAL_EXECUTION as FINAL_EXECUTION_SET,
  FINAL_RUN as FINAL_RUN_SET,
  PAUSABLE_EXECUTION,
  TASK_RUN_STATUSES,
} from '../../src/core/transitions'
import { ExecutionStatus, TaskRunStatus } from '../../src/domain/types'

/**
 * The allowed moves, written out from DESIGN §2: an execution starts pending, runs, may sleep
 * (delayed), wait or be paused in any order (or wait first for a concurrency slot, queued), and ends completed, warning, failed or killed;
 * a kill goes through killing and only ends killed. Staying in the same status is always allowed.
 */
const EXECUTION: Record<ExecutionStatus, ExecutionStatus[]> = {
  pending: ['queued', 'running', 'paused', 'killing', 'failed'],
  // waiting for a concurrency slot: it starts when admitted, or is killed; it does not pause
  queued: ['running', 'killing', 'failed'],
  running: ['delayed', 'waiting', 'paused', 'killing', 'completed', 'warning', 'failed'],
  delayed: ['running', 'waiting', 'paused', 'killing', 'completed', 'warning', 'failed'],
  waiting: ['running', 'delayed', 'paused', 'killing', 'completed', 'warning', 'failed'],
  // an execution paused before it started goes back to pending when resumed
  paused: ['pending', 'running', 'delayed', 'waiting', 'killing', 'completed', 'warning', 'failed'],
  killing: ['killed'],
  completed: [],
  warning: [],
  failed: [],
  killed: [],
}

/** A task run: pending, one attempt after another (retries go through delayed), then a final status. */
const TASK_RUN: Record<TaskRunStatus, TaskRunStatus[]> = {
  pending: ['running', 'skipped', 'killed', 'failed'],
  running: ['completed', 'warning', 'failed', 'killed', 'delayed', 'waiting'],
  delayed: ['pending', 'completed', 'killed', 'failed'],
  waiting: ['completed', 'warning', 'failed', 'killed', 'delayed'],
  completed: [],
  warning: [],
  failed: [],
  killed: [],
  skipped: [],
}

const FINAL_EXECUTION: ExecutionStatus[] = ['completed', 'warning', 'failed', 'killed']
const FINAL_RUN: TaskRunStatus[] = ['completed', 'warning', 'failed', 'killed', 'skipped']

const pairs = <S extends string>(statuses: readonly S[]) =>
  statuses.flatMap((from) => statuses.map((to) => [from, to] as const))

describe('execution transitions', () => {
  it('knows every execution status of the schema', () => {
    expect([...EXECUTION_STATUSES].sort()).toEqual([...ExecutionStatus.options].sort())
  })

  it.each(pairs(ExecutionStatus.options))('%s → %s follows the expected table', (from, to) => {
    expect(canTransitionExecution(from, to)).toBe(from === to || EXECUTION[from].includes(to))
  })

  it('never leaves a final status', () => {
    for (const from of FINAL_EXECUTION) {
      for (const to of ExecutionStatus.options) {
        if (to !== from) expect(canTransitionExecution(from, to), `${from} → ${to}`).toBe(false)
      }
    }
  })

  it('derives the final statuses and those a pause applies to from the table', () => {
    expect([...FINAL_EXECUTION_SET].sort()).toEqual([...FINAL_EXECUTION].sort())
    expect([...PAUSABLE_EXECUTION].sort()).toEqual(['delayed', 'pending', 'running', 'waiting'])
  })

  it('ends a kill only as killed', () => {
    const allowed = ExecutionStatus.options.filter((to) => to !== 'killing' && canTransitionExecution('killing', to))
    expect(allowed).toEqual(['killed'])
  })

  it('goes back to pending only from paused (resuming an execution paused before it started)', () => {
    const from = ExecutionStatus.options.filter(
      (status) => status !== 'pending' && canTransitionExecution(status, 'pending'),
    )
    expect(from).toEqual(['paused'])
  })

  it('reaches killed only through killing', () => {
    const from = ExecutionStatus.options.filter(
      (status) => status !== 'killed' && canTransitionExecution(status, 'killed'),
    )
    expect(from).toEqual(['killing'])
  })
})

describe('task run transitions', () => {
  it('knows every task run status of the schema', () => {
    expect([...TASK_RUN_STATUSES].sort()).toEqual([...TaskRunStatus.options].sort())
  })

  it.each(pairs(TaskRunStatus.options))('%s → %s follows the expected table', (from, to) => {
    expect(canTransitionTaskRun(from, to)).toBe(from === to || TASK_RUN[from].includes(to))
  })

  it('never leaves a final status', () => {
    for (const from of FINAL_RUN) {
      for (const to of TaskRunStatus.options) {
        if (to !== from) expect(canTransitionTaskRun(from, to), `${from} → ${to}`).toBe(false)
      }
    }
  })

  it('derives the final and the active statuses from the table', () => {
    expect([...FINAL_RUN_SET].sort()).toEqual([...FINAL_RUN].sort())
    expect([...ACTIVE_RUN].sort()).toEqual(['delayed', 'pending', 'running', 'waiting'])
  })

  it('skips only a run that has not started', () => {
    const from = TaskRunStatus.options.filter(
      (status) => status !== 'skipped' && canTransitionTaskRun(status, 'skipped'),
    )
    expect(from).toEqual(['pending'])
  })

  it('goes back to pending only from delayed (a retry after back-off)', () => {
    const from = TaskRunStatus.options.filter(
      (status) => status !== 'pending' && canTransitionTaskRun(status, 'pending'),
    )
    expect(from).toEqual(['delayed'])
  })
})
