import { describe, expect, it } from 'vitest'
import { checkCase, pathSegments } from '../../src/flowtest/check'
import type { Observation } from '../../src/flowtest/observation'

const seen = (fields: Partial<Observation> = {}): Observation => ({
  status: 'completed',
  output: { status: 200, body: { id: 1, items: [1, 2] }, headers: {} },
  error: null,
  vars: {},
  labels: {},
  runs: [
    { id: 1, taskId: 'a', status: 'completed', output: { list: [{ n: 5 }] }, error: null, attempts: 1, input: null },
    {
      id: 2,
      taskId: 'a',
      status: 'failed',
      output: null,
      error: { type: 'timeout', message: 'slow' },
      attempts: 2,
      input: null,
    },
  ],
  logs: [{ level: 'info', taskId: 'a', message: 'hello world' }],
  requests: [],
  unmocked: [],
  undelivered: [],
  virtualMs: 0,
  ...fields,
})

describe('flow test expectations', () => {
  it('read paths with dots and indexes', () => {
    expect(pathSegments('a.list[0].n')).toEqual(['a', 'list', 0, 'n'])
    expect(pathSegments('a[1][2]')).toEqual(['a', 1, 2])
  })

  it('match objects as subsets and arrays exactly', async () => {
    expect(await checkCase({ output: { body: { id: 1 } } }, seen())).toEqual([])
    expect(await checkCase({ output: { body: { items: [1] } } }, seen())).toEqual([
      { path: 'expect.output.body.items', message: 'differs', expected: [1], actual: [1, 2] },
    ])
  })

  it("read a task's last run, with the error behind its status", async () => {
    expect(await checkCase({ tasks: { a: 'completed' } }, seen())).toEqual([
      { path: 'expect.tasks.a', message: 'task a is failed (timeout: slow)', expected: 'completed', actual: 'failed' },
    ])
  })

  it('accept a value a JSONata predicate accepts, and report one that fails to evaluate', async () => {
    const runs = [
      { id: 1, taskId: 'a', status: 'completed' as const, output: { n: 5 }, error: null, attempts: 1, input: null },
    ]
    expect(await checkCase({ outputs: { 'a.n': { $jsonata: 'value > 3 and value < 6' } } }, seen({ runs }))).toEqual([])
    const [broken] = await checkCase({ outputs: { 'a.n': { $jsonata: 'value >' } } }, seen({ runs }))
    expect(broken).toMatchObject({ path: 'expect.outputs.a.n', actual: 5 })
    expect(broken?.message).toMatch(/invalid expression/)
  })

  it('report unmocked calls, undelivered events and missing log lines even without expectations of them', async () => {
    const found = await checkCase(
      { logs: ['hello', 'bye'] },
      seen({ unmocked: [{ taskId: 'a', call: 'GET https://x.test/' }], undelivered: ['go'] }),
    )
    expect(found.map((each) => each.path)).toEqual(['mocks', 'events', 'expect.logs.1'])
  })
})
