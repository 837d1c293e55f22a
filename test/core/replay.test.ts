import { describe, expect, it } from 'vitest'
import { planReplay, ReplayRefused, type ReplaySource } from '../../src/core/replay'
import type { RunState } from '../../src/core/state'
import type { TaskRunStatus } from '../../src/domain/types'
import { compileFlow } from '../../src/flow/compile'
import { FlowDefinition } from '../../src/flow/schema'

const T0 = 1_700_000_000_000

const set = (id: string) => ({ id, type: 'set', values: { [id]: true } })
const log = (id: string) => ({ id, type: 'log', message: id })

/** Revision 1: `x` between `a` and `b`, a parallel, a foreach, a return, then a task that fails. */
const V1 = [
  set('a'),
  log('x'),
  { id: 'b', type: 'parallel', branches: [[log('b1')], [set('b2')]] },
  { id: 'c', type: 'foreach', items: '[0, 1]', tasks: [set('c1')] },
  { id: 'd', type: 'return', status: 201, body: { done: true } },
  { id: 'e', type: 'fail', message: 'boom' },
]
/** Revision 2: `x` is gone. */
const V2 = V1.filter((task) => task.id !== 'x')

const flowOf = (tasks: unknown[], revision: number) => compileFlow('flow_1', revision, FlowDefinition.parse({ tasks }))

function runOf(
  id: number,
  taskId: string,
  type: string,
  status: TaskRunStatus,
  more: Partial<RunState> = {},
): RunState {
  return {
    id,
    taskId,
    type,
    status,
    parentId: null,
    lane: '',
    position: 0,
    iteration: null,
    scope: null,
    attempts: [{ number: 1, status: status === 'failed' ? 'failed' : 'completed', startedAt: T0, endedAt: T0 + 1 }],
    output: null,
    error: null,
    metrics: [],
    startedAt: T0,
    endedAt: T0 + 1,
    wakeAt: null,
    childExecutionId: null,
    wait: null,
    reused: false,
    progress: status === 'completed' && ['parallel', 'foreach'].includes(type) ? { lanes: {}, warned: false } : null,
    ...more,
  }
}

/** The runs of revision 1 up to `e`, which failed: in start order, as the store returns them. */
const RUNS: RunState[] = [
  runOf(1, 'a', 'set', 'completed', { position: 0, output: { a: 1 } }),
  runOf(2, 'x', 'log', 'completed', { position: 1 }),
  runOf(3, 'b', 'parallel', 'completed', { position: 2 }),
  runOf(4, 'b1', 'log', 'completed', { parentId: 3, lane: '0' }),
  runOf(5, 'b2', 'set', 'completed', { parentId: 3, lane: '1', output: { b2: true, a: 2 } }),
  runOf(6, 'c', 'foreach', 'completed', { position: 3, output: [{ c1: 0 }, { c1: 1 }] }),
  runOf(7, 'c1', 'set', 'completed', { parentId: 6, lane: '0', iteration: 0, scope: '6#0', output: { c1: 0 } }),
  runOf(8, 'c1', 'set', 'completed', { parentId: 6, lane: '1', iteration: 1, scope: '6#1', output: { c1: 1 } }),
  runOf(9, 'd', 'return', 'completed', {
    position: 4,
    output: { status: 201, body: { done: true }, headers: {} },
  }),
  runOf(10, 'e', 'fail', 'failed', { position: 5, error: { type: 'fail_task', message: 'boom' } }),
]

const failedAt = (taskId: string | null, runs: RunState[] = RUNS): ReplaySource => ({
  id: 'exec_1',
  error:
    taskId === null
      ? null
      : { type: 'fail_task', message: 'boom', taskId, taskRunId: runs.at(-1)?.id ?? null, attempt: 1 },
  runs,
})

/** Which source run became which reused run: [taskId, new id, new parent id]. */
const shape = (runs: RunState[]) => runs.map((run) => [run.taskId, run.id, run.parentId])

/** Planning throws ReplayRefused, saying `message`. */
function refuses(plan: () => unknown, message: string) {
  expect(plan).toThrow(ReplayRefused)
  expect(plan).toThrow(new ReplayRefused(message))
}

describe('planReplay', () => {
  it('restarts at the task that failed, reusing every run before it with everything below them', () => {
    const plan = planReplay(failedAt('e'), flowOf(V1, 1))
    expect(plan.fromTaskId).toBe('e')
    expect(plan.startPosition).toBe(5)
    // the same revision: every run keeps its id and parent
    expect(shape(plan.runs)).toEqual(shape(RUNS.slice(0, 9)))
    expect(plan.runs.every((run) => run.reused && run.progress === null)).toBe(true)
  })

  it('rebuilds vars from the reused set tasks in start order (nested ones too), and keeps the return decided', () => {
    const plan = planReplay(failedAt('e'), flowOf(V1, 1))
    expect(plan.vars).toEqual({ a: 2, b2: true, c1: 1 })
    expect(plan.output).toEqual({ status: 201, body: { done: true }, headers: {} })
    expect(plan.warned).toBe(false)
  })

  it('restarts at the task asked for, reusing nothing at or after it', () => {
    const plan = planReplay(failedAt('e'), flowOf(V1, 1), 'c')
    expect(plan).toMatchObject({ fromTaskId: 'c', startPosition: 3, vars: { a: 2, b2: true }, output: null })
    expect(shape(plan.runs)).toEqual(shape(RUNS.slice(0, 5)))
  })

  it('reuses nothing when it restarts at the first task', () => {
    expect(planReplay(failedAt('e'), flowOf(V1, 1), 'a')).toEqual({
      fromTaskId: 'a',
      startPosition: 0,
      runs: [],
      vars: {},
      warned: false,
      output: null,
    })
  })

  it('re-runs the whole top-level container of a task inside one', () => {
    const inBranch = planReplay(failedAt('e'), flowOf(V1, 1), 'b2')
    expect(inBranch).toMatchObject({ fromTaskId: 'b2', startPosition: 2 })
    expect(shape(inBranch.runs)).toEqual([
      ['a', 1, null],
      ['x', 2, null],
    ])
    // the failed task is inside a foreach: the foreach restarts
    const inLoop = planReplay(failedAt('c1', RUNS.slice(0, 7)), flowOf(V1, 1))
    expect(inLoop).toMatchObject({ fromTaskId: 'c1', startPosition: 3 })
    expect(inLoop.runs.map((run) => run.taskId)).toEqual(['a', 'x', 'b', 'b1', 'b2'])
  })

  it('finds the top-level task through containers nested in containers', () => {
    const nested = [
      set('first'),
      {
        id: 'outer',
        type: 'parallel',
        branches: [[{ id: 'inner', type: 'if', condition: 'true', then: [log('deep')] }]],
      },
    ]
    const runs = [runOf(1, 'first', 'set', 'completed', { output: { first: true } })]
    const plan = planReplay(failedAt(null, runs), flowOf(nested, 1), 'deep')
    expect(plan).toMatchObject({ fromTaskId: 'deep', startPosition: 1, vars: { first: true } })
    expect(shape(plan.runs)).toEqual([['first', 1, null]])
  })

  it('on another revision: places reused runs at their new positions, renumbers ids, parents and foreach scopes', () => {
    const plan = planReplay(failedAt('e'), flowOf(V2, 2), 'd')
    expect(plan.startPosition).toBe(3)
    // `x` is not in revision 2: its run is not reused, and the ids after it close up
    expect(shape(plan.runs)).toEqual([
      ['a', 1, null],
      ['b', 2, null],
      ['b1', 3, 2],
      ['b2', 4, 2],
      ['c', 5, null],
      ['c1', 6, 5],
      ['c1', 7, 5],
    ])
    expect(plan.runs.map((run) => [run.taskId, run.position])).toEqual([
      ['a', 0],
      ['b', 1],
      ['b1', 0],
      ['b2', 0],
      ['c', 2],
      ['c1', 0],
      ['c1', 0],
    ])
    expect(plan.runs.map((run) => run.scope)).toEqual([null, null, null, null, null, '5#0', '5#1'])
    expect(plan.runs.filter((run) => run.taskId === 'c1').map((run) => [run.lane, run.iteration])).toEqual([
      ['0', 0],
      ['1', 1],
    ])
  })

  it('leaves the source runs as they were', () => {
    const before = structuredClone(RUNS)
    planReplay(failedAt('e'), flowOf(V2, 2), 'd')
    expect(RUNS).toEqual(before)
  })

  it('reuses skipped and warning runs, and says so with `warned` when one at top level warned', () => {
    const runs = [
      runOf(1, 'a', 'set', 'skipped', { attempts: [], output: null }),
      runOf(2, 'x', 'log', 'warning', { position: 1 }),
      runOf(3, 'b', 'parallel', 'failed', { position: 2 }),
    ]
    const plan = planReplay(failedAt('b', runs), flowOf(V1, 1))
    expect(plan).toMatchObject({ startPosition: 2, warned: true, vars: {} })
    expect(plan.runs.map((run) => [run.taskId, run.status])).toEqual([
      ['a', 'skipped'],
      ['x', 'warning'],
    ])
  })

  it('does not count a warning below the top level as warned', () => {
    const runs = [...RUNS.slice(0, 3), runOf(4, 'b1', 'log', 'warning', { parentId: 3, lane: '0' }), ...RUNS.slice(4)]
    expect(planReplay(failedAt('e', runs), flowOf(V1, 1)).warned).toBe(false)
  })

  describe('refuses', () => {
    it('an execution with no failed task, when no task is named', () => {
      const plan = () => planReplay(failedAt(null), flowOf(V1, 1))
      refuses(plan, 'execution exec_1 has no failed task to replay from: name one with fromTaskId')
      // the API answers it with 400
      expect(plan).toThrow(expect.objectContaining({ type: 'validation_error' }))
    })

    it('a task the revision does not have', () => {
      refuses(
        () => planReplay(failedAt('e'), flowOf(V2, 2), 'x'),
        'task "x" does not exist in revision 2 of flow flow_1',
      )
      refuses(
        () => planReplay(failedAt('e'), flowOf(V1, 1), 'zzz'),
        'task "zzz" does not exist in revision 1 of flow flow_1',
      )
    })

    it('a restart after a task that did not complete', () => {
      const runs = [RUNS[0] as RunState, runOf(2, 'x', 'log', 'killed', { position: 1 })]
      refuses(
        () => planReplay(failedAt(null, runs), flowOf(V1, 1), 'c'),
        'task "x" did not complete in execution exec_1, so it cannot be reused: replay from it or from an earlier task',
      )
    })

    it('a restart after a task the execution never ran (one the new revision added before it)', () => {
      const added = [set('a'), log('new'), ...V2.slice(1)]
      refuses(
        () => planReplay(failedAt('e'), flowOf(added, 3), 'c'),
        'task "new" did not complete in execution exec_1, so it cannot be reused: replay from it or from an earlier task',
      )
    })

    it('a restart past the task that failed', () => {
      const runs = [...RUNS.slice(0, 5), runOf(6, 'c', 'foreach', 'failed', { position: 3 })]
      refuses(
        () => planReplay(failedAt('c', runs), flowOf(V1, 1), 'd'),
        'task "c" did not complete in execution exec_1, so it cannot be reused: replay from it or from an earlier task',
      )
    })
  })
})
