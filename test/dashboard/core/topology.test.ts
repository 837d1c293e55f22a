import { describe, expect, it } from 'vitest'
import { layoutTopology, NODE_HEIGHT, type TopoBox } from '../../../src/dashboard/core/topology'
import { TopologySvg } from '../../../src/dashboard/core/topology-svg'
import { lanesOf } from '../../../src/dashboard/pages/topology-section'

const box = (layout: { boxes: TopoBox[] }, id: string) => layout.boxes.find((b) => b.taskId === id) as TopoBox
const contains = (outer: TopoBox, inner: TopoBox) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height

describe('the topology layout', () => {
  it('stacks a sequence top to bottom on one axis with an arrow between consecutive tasks', () => {
    const layout = layoutTopology(
      [
        { id: 'a', type: 'set' },
        { id: 'b', type: 'log' },
        { id: 'c', type: 'return' },
      ],
      lanesOf,
      new Map(),
    )
    const [a, b, c] = ['a', 'b', 'c'].map((id) => box(layout, id))
    expect(a!.y + NODE_HEIGHT).toBeLessThan(b!.y)
    expect(b!.y + NODE_HEIGHT).toBeLessThan(c!.y)
    expect(new Set([a!.x, b!.x, c!.x]).size).toBe(1)
    expect(layout.edges).toHaveLength(2)
    expect(layout.edges[0]).toMatchObject({ y1: a!.y + a!.height, y2: b!.y })
  })

  it('puts parallel branches side by side inside their container, foreach bodies and subflows nested', () => {
    const tasks = [
      {
        id: 'fan',
        type: 'parallel',
        branches: [
          [{ id: 'left', type: 'set', values: {} }],
          [
            {
              id: 'each',
              type: 'foreach',
              items: '[1,2]',
              tasks: [{ id: 'child', type: 'subflow', flowId: 'greet' }],
            },
          ],
        ],
      },
    ]
    const layout = layoutTopology(tasks, lanesOf, new Map())
    const [fan, left, each, child] = ['fan', 'left', 'each', 'child'].map((id) => box(layout, id))
    expect(fan!.container && each!.container).toBe(true)
    for (const inner of [left, each, child]) expect(contains(fan!, inner!)).toBe(true)
    expect(contains(each!, child!)).toBe(true)
    // branches do not overlap
    expect(left!.x + left!.width).toBeLessThanOrEqual(each!.x)
    expect(layout.lanes.map((lane) => lane.label)).toEqual(['branch 1', 'branch 2', 'each item'])
    expect(child!.flowId).toBe('greet')
    expect(String(TopologySvg({ layout, label: 'x' }))).toContain('href="/flows/greet"')
  })

  it('labels nodes by the status of their runs and marks a branch not taken as skipped', () => {
    const tasks = [
      {
        id: 'check',
        type: 'if',
        condition: 'true',
        then: [{ id: 'yes', type: 'set', values: {} }],
        else: [{ id: 'no', type: 'fail', message: 'x' }],
      },
      { id: 'after', type: 'log', message: 'x' },
    ]
    const counts = new Map([
      ['check', new Map([['completed', 1]])],
      ['yes', new Map([['completed', 1]])],
      ['no', new Map([['skipped', 1]])],
    ])
    const layout = layoutTopology(tasks, lanesOf, counts)
    expect(layout.lanes.map((lane) => [lane.label, lane.skipped])).toEqual([
      ['then', false],
      ['else', true],
    ])
    expect(box(layout, 'no').status).toBe('skipped')
    const svg = String(TopologySvg({ layout, label: 'x' }))
    expect(svg).toContain('else — skipped')
    expect(svg).toContain('set · completed')
    expect(svg).toContain('log · not run')
  })

  it('draws a bare definition (a flow page) without statuses', () => {
    const layout = layoutTopology([{ id: 'a', type: 'set' }], lanesOf, null)
    const svg = String(TopologySvg({ layout, label: 'x' }))
    expect(svg).toContain('st-plain')
    expect(svg).not.toContain('not run')
  })

  it('shows counts when a task ran many times, failures first', () => {
    const tasks = [{ id: 'each', type: 'foreach', items: '[1]', tasks: [{ id: 'sq', type: 'set', values: {} }] }]
    const counts = new Map([
      [
        'sq',
        new Map([
          ['completed', 1998],
          ['failed', 2],
        ]),
      ],
    ])
    const layout = layoutTopology(tasks, lanesOf, counts)
    expect(box(layout, 'sq').status).toBe('failed')
    expect(String(TopologySvg({ layout, label: 'x' }))).toContain('1,998 completed, 2 failed')
  })
})

describe('handlers on the topology', () => {
  it("draws a task's compensate inside it as its undo, a container's errors beside its branches, the flow's below", () => {
    const layout = layoutTopology(
      [
        {
          id: 'reserve',
          type: 'set',
          values: {},
          compensate: [{ id: 'release', type: 'log', message: 'x' }],
        },
        {
          id: 'fan',
          type: 'parallel',
          branches: [[{ id: 'a', type: 'set' }]],
          errors: [{ id: 'fanErrors', type: 'log', message: 'x' }],
        },
      ],
      lanesOf,
      new Map(),
      { finally: [{ id: 'done', type: 'log', message: 'x' }] },
    )
    expect(contains(box(layout, 'reserve'), box(layout, 'release'))).toBe(true)
    expect(contains(box(layout, 'fan'), box(layout, 'fanErrors'))).toBe(true)
    expect(box(layout, 'done').y).toBeGreaterThan(box(layout, 'fan').y + box(layout, 'fan').height)
    expect(layout.lanes.map((lane) => [lane.label, lane.handler])).toEqual([
      ['↶ undo (compensate)', 'compensate'],
      ['branch 1', null],
      ['on errors', 'errors'],
      ["finally (the flow's)", 'finally'],
    ])
    // the flow's handlers hang below its tasks, with no arrow into them
    expect(layout.edges).toHaveLength(1)
    expect(String(TopologySvg({ layout, label: 'x' }))).toContain('lane-handler lane-compensate')
  })
})
