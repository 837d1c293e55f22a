import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { DEFAULT_URL, parseCommand } from '../../src/cli/args.ts'
import { inlineBody, planOf, replayText, reportText } from '../../src/cli/flow-tests.ts'

const files =
  (...names: string[]) =>
  async (file: string) =>
    names.includes(file)

describe('flows test', () => {
  it('finds the test document beside a flow file, and the flow file beside a test document', async () => {
    const tests = { file: 'ex/orders.test.yaml', format: 'yaml' }
    const exist = files('ex/orders.yaml', 'ex/orders.test.yaml', 'ex/lone.test.yaml', 'stored.test.json')
    assert.deepEqual(await planOf('ex/orders.yaml', exist), {
      flow: { file: { file: 'ex/orders.yaml', format: 'yaml' } },
      tests,
    })
    assert.deepEqual(await planOf('ex/orders.test.yaml', exist), {
      flow: { file: { file: 'ex/orders.yaml', format: 'yaml' } },
      tests,
    })
    // no flow file beside it: the stored flow its name names
    assert.deepEqual(await planOf('ex/lone.test.yaml', exist), {
      flow: { flowId: 'lone' },
      tests: { file: 'ex/lone.test.yaml', format: 'yaml' },
    })
    // a flow id: its document in the current folder
    assert.deepEqual(await planOf('stored', exist), {
      flow: { flowId: 'stored' },
      tests: { file: 'stored.test.json', format: 'json' },
    })
    assert.match(String(await planOf('nothing', exist)), /no nothing\.test\.yaml/)
    assert.match(
      String(await planOf('ex/other.yaml', files('ex/other.yaml'))),
      /no test document beside ex\/other\.yaml/,
    )
  })

  it('sends an inline flow with its cases: JSON when both are, else one YAML document', () => {
    const flow = { text: '{"tasks": [{"id": "a", "type": "log", "message": "hi"}]}', format: 'json' as const }
    const json = inlineBody({ text: '{"cases": [{"name": "x"}]}', format: 'json' }, flow)
    assert.deepEqual(JSON.parse(json.source), { cases: [{ name: 'x' }], definition: JSON.parse(flow.text) })
    const yamlFlow = {
      text: '---\ntasks:\n  - id: a\n    type: log\n    message: |\n      hi\n',
      format: 'yaml' as const,
    }
    for (const tests of [
      { text: 'cases:\n  - name: x\n', format: 'yaml' as const },
      { text: '{"cases": [{"name": "x"}]}', format: 'json' as const },
    ]) {
      for (const each of [flow, yamlFlow]) {
        if (tests.format === 'json' && each.format === 'json') continue
        const body = inlineBody(tests, each)
        assert.equal(body.format, 'yaml')
        const parsed = parse(body.source)
        assert.deepEqual(parsed.cases, [{ name: 'x' }])
        assert.equal(parsed.definition.tasks[0].id, 'a')
      }
    }
  })

  it('prints each case and its differences', () => {
    const text = reportText({
      passed: false,
      total: 2,
      failed: 1,
      cases: [
        { name: 'ok', passed: true, differences: [], status: 'completed' },
        {
          name: 'bad',
          passed: false,
          status: 'failed',
          differences: [
            { path: 'expect.status', message: 'status is failed', expected: 'completed', actual: 'failed' },
            { path: 'mocks', message: 'task a: GET https://x.test/ matches no mock' },
          ],
        },
      ],
    } as never)
    assert.equal(
      text,
      [
        'PASS ok (completed)',
        'FAIL bad (failed)',
        '     expect.status: status is failed expected "completed", got "failed"',
        '     mocks: task a: GET https://x.test/ matches no mock',
        '1 passed, 1 failed',
      ].join('\n'),
    )
  })
})

describe('flows replay', () => {
  it('parses its record, flow file and revision; executions pull its id', () => {
    assert.deepEqual(parseCommand(['flows', 'replay', 'r.json', '--flow', 'f.yaml'], {}), {
      ok: true,
      command: { name: 'flows replay', file: 'r.json', flowFile: 'f.yaml', revision: undefined },
      connection: { url: DEFAULT_URL, token: undefined, json: false },
    })
    const pulled = parseCommand(['executions', 'pull', 'abc'], {})
    assert.ok(pulled.ok)
    assert.deepEqual(pulled.command, { name: 'executions pull', executionId: 'abc' })
  })

  it('prints the tasks that changed, the first divergence marked', () => {
    const report = {
      unchanged: false,
      firstDivergence: 'double',
      changes: [
        { taskId: 'fetch', change: 'same', fields: [], recorded: null, replayed: null },
        {
          taskId: 'double',
          change: 'changed',
          fields: ['output'],
          recorded: { status: 'completed', output: 42 },
          replayed: { status: 'completed', output: 63 },
        },
        { taskId: 'added', change: 'new', fields: [], recorded: null, replayed: { status: 'completed', output: null } },
      ],
      replay: { differences: [{ path: 'mocks', message: 'task x: GET u matches no mock' }] },
    }
    assert.equal(
      replayText(report as never),
      [
        '> double: changed output (completed → completed) 42 → 63',
        '  added: new (- → completed) - → null',
        '  mocks: task x: GET u matches no mock',
        '2 tasks changed; first at double',
      ].join('\n'),
    )
  })
})
