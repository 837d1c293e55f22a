import { describe, expect, it } from 'vitest'
import { foldIterations, SHOWN_ITERATIONS } from '../../../src/dashboard/core/collapse'
import { type GanttRun, layoutGantt, MIN_SEGMENT, segmentsOf, treeOrder } from '../../../src/dashboard/core/gantt'
import { GanttSvg } from '../../../src/dashboard/core/gantt-svg'
import { summariseRuns } from '../../../src/dashboard/core/totals'

const T0 = Date.parse('2026-12-01T10:00:00.000Z')
const at = (ms: number) => new Date(T0 + ms).toISOString()

function run(id: number, patch: Partial<GanttRun> & { times?: [number, number | null, string?][] } = {}): GanttRun {
  const { times = [[0, 10]], ...rest } = patch
  return {
    id,
    taskId: `t${id}`,
    type: 'set',
    status: 'completed',
    parentTaskRunId: null,
    branch: null,
    iteration: null,
    attempts: times.map(([start, end, status], index) => ({
      number: index + 1,
      status: status ?? (end === null ? 'running' : 'completed'),
      startedAt: at(start),
      endedAt: end === null ? null : at(end),
      error: status === 'failed' ? { type: 'http_error', message: `answered 503 (${index + 1})` } : null,
    })),
    startedAt: at(times[0]?.[0] ?? 0),
    endedAt: times.at(-1)?.[1] === null ? null : at(times.at(-1)?.[1] ?? 0),
    wakeAt: null,
    childExecutionId: null,
    ...rest,
  }
}

describe('the Gantt layout', () => {
  it('puts children under their parent, branch by branch, each row below the last', () => {
    const runs = [
      run(1, { taskId: 'fan', type: 'parallel', times: [[0, 1]] }),
      run(2, { parentTaskRunId: 1, branch: '0', times: [[1, 50]] }),
      run(3, { parentTaskRunId: 1, branch: '1', times: [[1, 40]] }),
      run(4, { parentTaskRunId: 1, branch: '0', times: [[50, 60]] }),
      run(5, { times: [[61, 70]] }),
    ]
    const layout = layoutGantt(runs, { start: T0, end: T0 + 70, now: T0 + 100 })
    expect(layout.rows.map((row) => [row.run.id, row.depth])).toEqual([
      [1, 0],
      [2, 1],
      [4, 1],
      [3, 1],
      [5, 0],
    ])
    const ys = layout.rows.map((row) => row.y)
    expect(ys).toEqual([...ys].sort((a, b) => a - b))
    expect(new Set(ys).size).toBe(ys.length)
    expect(layout.rows[1]?.label).toBe('t2 (branch 1)')
  })

  it('draws parallel branches that overlap in time on separate rows over the same x range', () => {
    const runs = [
      run(1, { type: 'parallel', times: [[0, 1]], endedAt: at(100) }),
      run(2, { parentTaskRunId: 1, branch: '0', times: [[10, 90]] }),
      run(3, { parentTaskRunId: 1, branch: '1', times: [[20, 80]] }),
    ]
    const layout = layoutGantt(runs, { start: T0, end: T0 + 100, now: T0 + 100 })
    const [a, b] = [layout.rows[1]?.segments[0], layout.rows[2]?.segments[0]]
    expect(a && b).toBeTruthy()
    // b lies within a in time, hence in x
    expect(b!.x).toBeGreaterThan(a!.x)
    expect(b!.x + b!.width).toBeLessThan(a!.x + a!.width)
    expect(layout.rows[1]?.y).not.toBe(layout.rows[2]?.y)
    // the container spans its children
    const span = layout.rows[0]?.segments.find((segment) => segment.kind === 'span')
    expect(span!.x).toBeLessThanOrEqual(a!.x)
    expect(span!.x + span!.width).toBeGreaterThanOrEqual(a!.x + a!.width)
  })

  it('draws each attempt, the back-off between them, and the errors of the failed ones', () => {
    const flaky = run(1, {
      type: 'http',
      status: 'completed',
      times: [
        [0, 10, 'failed'],
        [510, 520, 'failed'],
        [1520, 1530],
      ],
    })
    const kinds = segmentsOf(flaky, T0 + 2000).map((segment) => [segment.kind, segment.status, segment.attempt])
    expect(kinds).toEqual([
      ['attempt', 'failed', 1],
      ['backoff', 'delayed', null],
      ['attempt', 'failed', 2],
      ['backoff', 'delayed', null],
      ['attempt', 'completed', 3],
    ])
    const layout = layoutGantt([flaky], { start: T0, end: T0 + 1530, now: T0 + 2000 })
    const segments = layout.rows[0]!.segments
    // the back-off starts where the failed attempt ends and ends where the next starts
    expect(segments[1]!.x).toBeCloseTo(segments[0]!.x + (segments[0]!.width > MIN_SEGMENT ? segments[0]!.width : 0), 0)
    expect(segments[1]!.x + segments[1]!.width).toBeCloseTo(segments[2]!.x, 5)
    expect(segments[0]!.error?.message).toBe('answered 503 (1)')
    const svg = String(GanttSvg({ layout }))
    expect(svg).toContain('http_error: answered 503 (1)')
    expect(svg).toContain('tabindex="0"')
    expect(svg).toContain('✔ completed ×3')
  })

  it('gives delays, event waits and children their own kinds, open ones up to now, and a retry waiting its back-off', () => {
    const now = T0 + 500
    expect(segmentsOf(run(1, { type: 'delay', status: 'delayed', times: [[0, null]] }), now)[0]).toMatchObject({
      kind: 'delay',
      open: true,
      end: now,
    })
    expect(segmentsOf(run(2, { type: 'wait', status: 'waiting', times: [[0, null]] }), now)[0]?.kind).toBe('event')
    expect(segmentsOf(run(3, { type: 'subflow', times: [[0, 100]] }), now)[0]?.kind).toBe('child')
    const retrying = run(4, { type: 'http', status: 'delayed', times: [[0, 10, 'failed']], wakeAt: at(1000) })
    expect(segmentsOf(retrying, now).at(-1)).toMatchObject({ kind: 'backoff', open: true, end: T0 + 1000 })
  })

  it('orders foreach iterations by index and keeps a run whose parent is on another page at the top level', () => {
    const runs = [
      run(1, { type: 'foreach' }),
      run(3, { parentTaskRunId: 1, branch: '1', iteration: 1 }),
      run(2, { parentTaskRunId: 1, branch: '0', iteration: 0 }),
      run(9, { parentTaskRunId: 7, branch: '5', iteration: 5 }),
    ]
    expect(treeOrder(runs).map(({ run: r, depth }) => [r.id, depth])).toEqual([
      [1, 0],
      [2, 1],
      [3, 1],
      [9, 0],
    ])
    expect(layoutGantt(runs, { start: T0, end: T0 + 10, now: T0 + 10 }).rows[1]?.label).toBe('t2 [0]')
  })

  it('keeps a 0 ms failure at the very end inside the plot, where it can be seen and hovered', () => {
    const runs = [run(1, { times: [[0, 100]] }), run(2, { status: 'failed', times: [[100, 100, 'failed']] })]
    const layout = layoutGantt(runs, { start: T0, end: T0 + 100, now: T0 + 100 })
    const failed = layout.rows[1]!.segments[0]!
    expect(failed.width).toBe(MIN_SEGMENT)
    expect(failed.x + failed.width).toBeLessThanOrEqual(layout.width)
    expect(failed.x).toBeGreaterThan(layout.rows[0]!.segments[0]!.x)
  })

  it('draws a replay on its own axis: reused runs are listed, untimed, and say they were reused', () => {
    const replayStart = 3_600_000
    const runs = [run(1, { times: [[0, 10]], reused: true }), run(2, { times: [[replayStart, replayStart + 50]] })]
    const layout = layoutGantt(runs, {
      start: T0 + replayStart,
      end: T0 + replayStart + 50,
      now: T0 + replayStart + 60,
    })
    expect(layout.start).toBe(T0 + replayStart)
    expect(layout.rows[0]!.segments).toEqual([])
    const fresh = layout.rows[1]!.segments[0]!
    // the new run fills the plot instead of a sliver at its right edge
    expect(fresh.width).toBeGreaterThan((layout.width - layout.labelWidth - layout.statusWidth) * 0.9)
    const svg = String(GanttSvg({ layout }))
    expect(svg).toMatch(/class="gantt-row st-completed reused"/)
    expect(svg).toContain('· reused')
  })

  it('never draws a segment narrower than the minimum, and widens the frame to runs outside it', () => {
    const layout = layoutGantt([run(1, { times: [[-500, -500]] }), run(2, { times: [[0, 100_000]] })], {
      start: T0,
      end: T0 + 1000,
      now: T0 + 1000,
    })
    expect(layout.start).toBe(T0 - 500)
    expect(layout.end).toBe(T0 + 100_000)
    expect(layout.rows[0]!.segments[0]!.width).toBe(MIN_SEGMENT)
    expect(layout.ticks.length).toBeGreaterThan(2)
  })
})

describe('the summary of task runs not drawn', () => {
  it('counts them by status and gives their time span', () => {
    const summary = summariseRuns([
      { taskId: 'square', status: 'completed', count: 9_000, firstStartedAt: at(100), lastEndedAt: at(5000) },
      { taskId: 'square', status: 'failed', count: 2, firstStartedAt: at(50), lastEndedAt: at(300) },
      { taskId: 'log', status: 'completed', count: 749, firstStartedAt: at(200), lastEndedAt: at(6000) },
    ])
    expect(summary.count).toBe(9_751)
    expect(Object.fromEntries(summary.byStatus)).toEqual({ completed: 9_749, failed: 2 })
    expect([summary.from, summary.to]).toEqual([T0 + 50, T0 + 6000])
  })
})

describe('handlers on the Gantt', () => {
  it("labels a compensation as the undo of its run and rules off the flow's handlers", () => {
    const runs = [
      run(1, { taskId: 'reserve' }),
      run(2, { taskId: 'ship', status: 'failed', times: [[10, 20, 'failed']] }),
      run(3, { taskId: 'alert', handler: 'errors', times: [[20, 25]] }),
      run(4, { taskId: 'release', handler: 'compensate', compensates: 1, times: [[25, 30]] }),
      run(5, { taskId: 'done', handler: 'finally', times: [[30, 35]] }),
    ]
    const layout = layoutGantt(runs, { start: T0, end: T0 + 35, now: T0 + 40 })
    expect(layout.rows.map((row) => [row.label, row.handler, row.opensHandler])).toEqual([
      ['reserve', null, false],
      ['ship', null, false],
      ['alert (on errors)', 'errors', true],
      ['release ↶ undo reserve', 'compensate', true],
      ['done (finally)', 'finally', true],
    ])
    const svg = String(GanttSvg({ layout }))
    expect(svg).toContain('handler handler-compensate')
    expect(svg.match(/class="handler-rule"/g)).toHaveLength(3)
  })
})

/** A foreach (run 1) of `n` iterations of `square`, the ones in `failed` failed. */
function foreach(n: number, failed: number[] = []): GanttRun[] {
  return [
    run(1, { taskId: 'each', type: 'foreach', times: [[1, n + 2]] }),
    ...Array.from({ length: n }, (_, index) =>
      run(index + 2, {
        taskId: 'square',
        parentTaskRunId: 1,
        iteration: index,
        branch: String(index),
        status: failed.includes(index) ? 'failed' : 'completed',
        times: [[index + 2, index + 3]],
      }),
    ),
  ]
}

describe('folding foreach iterations', () => {
  it('keeps the first iterations and the failed ones, and folds the rest into one row that comes last', () => {
    const { kept, summaries } = foldIterations(foreach(300, [150]))
    expect(kept.map((run) => run.iteration)).toEqual([null, 0, 1, 2, 3, 4, 150])
    expect(summaries).toHaveLength(1)
    const summary = summaries[0]!
    expect(summary.folded).toEqual({
      foreachRunId: 1,
      count: 300 - SHOWN_ITERATIONS - 1,
      byStatus: new Map([['completed', 294]]),
    })
    expect(summary.startedAt).toBe(at(2 + SHOWN_ITERATIONS))
    expect(summary.endedAt).toBe(at(302))
    const layout = layoutGantt([...kept, ...summaries], { start: T0, end: T0 + 302, now: T0 + 400 })
    expect(layout.rows.map((row) => row.label).at(-1)).toBe('square ×294 more')
    expect(layout.rows.at(-1)!.depth).toBe(1)
    expect(layout.rows.at(-1)!.segments).toHaveLength(1)
    // 8 rows instead of 301
    expect(layout.rows).toHaveLength(8)
    const svg = String(GanttSvg({ layout }))
    expect(svg).toContain('href="?expand=1#gantt"')
    expect(svg).toContain('294 completed')
  })

  it('folds nothing when the foreach is expanded, or when there are few iterations', () => {
    expect(foldIterations(foreach(300), new Set([1])).summaries).toEqual([])
    expect(foldIterations(foreach(SHOWN_ITERATIONS + 1)).summaries).toEqual([])
  })

  it('folds a later page of iterations whose foreach run is on an earlier page', () => {
    const { kept, summaries } = foldIterations(foreach(300).slice(100))
    expect(kept).toHaveLength(SHOWN_ITERATIONS)
    expect(summaries[0]!.folded.count).toBe(201 - SHOWN_ITERATIONS)
    const layout = layoutGantt([...kept, ...summaries], { start: T0, end: T0 + 302, now: T0 + 400 })
    expect(layout.rows).toHaveLength(SHOWN_ITERATIONS + 1)
  })

  it('hides what runs under a folded iteration, so nothing is left at the top level', () => {
    const runs = [...foreach(10), run(100, { taskId: 'inner', parentTaskRunId: 11, branch: '0' })]
    const { kept } = foldIterations(runs)
    expect(kept.some((r) => r.id === 100)).toBe(false)
  })
})
