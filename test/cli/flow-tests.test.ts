import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { DEFAULT_URL, parseCommand } from '../../src/cli/args.ts'
import { inlineBody, planOf, replayText, reportText } from '../../src/cli/flow-tests.ts'
import { scratchDir } from './scratch.ts'
import { answer, cli, on } from './fake-api.ts'

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

describe('test <dir>', () => {
  const passing = (name: string) => ({
    passed: true,
    total: 1,
    failed: 0,
    cases: [{ name, passed: true, differences: [], status: 'completed', virtualMs: 0 }],
  })
  const failing = {
    passed: false,
    total: 1,
    failed: 1,
    cases: [
      {
        name: 'planted',
        passed: false,
        status: 'completed',
        virtualMs: 0,
        differences: [
          { path: 'expect.status', message: 'status is completed', expected: 'failed', actual: 'completed' },
        ],
      },
    ],
  }

  /** A folder: a flow file with its tests (run inline), a test document of a stored flow, one the API refuses, and no test. */
  function folder() {
    const dir = scratchDir('test-dir')
    writeFileSync(path.join(dir, 'orders.json'), JSON.stringify({ tasks: [{ id: 'a', type: 'log', message: 'hi' }] }))
    writeFileSync(path.join(dir, 'orders.test.yaml'), 'cases:\n  - name: ships\n')
    writeFileSync(path.join(dir, 'stored.test.json'), JSON.stringify({ cases: [{ name: 'planted' }] }))
    writeFileSync(path.join(dir, 'greet.yaml'), 'tasks: []\n')
    writeFileSync(path.join(dir, '.hidden.test.yaml'), 'cases: []\n')
    return dir
  }
  const routes = (refuse: boolean) => [
    on('POST', '/api/tests', () => answer(200, passing('ships'))),
    on('POST', '/api/flows/stored/test', () =>
      refuse
        ? answer(400, {
            error: {
              code: 'invalid_request',
              message: 'bad',
              issues: [{ path: 'cases.0.mocks', message: 'no <task>' }],
            },
          })
        : answer(200, failing),
    ),
  ]

  it('runs every test document of a folder: inline beside its flow file, else against the stored flow; exit 3 on a failed case', async () => {
    const dir = folder()
    const ran = await cli(['test', dir], routes(false))
    assert.equal(ran.code, 3, ran.stderr)
    assert.deepEqual(
      ran.requests.map((request) => `${request.method} ${request.url.pathname}`),
      ['POST /api/tests', 'POST /api/flows/stored/test'],
    )
    assert.match(ran.requests[0]?.body ?? '', /definition:/)
    assert.equal(
      ran.stdout,
      [
        path.join(dir, 'orders.test.yaml'),
        '  PASS ships (completed)',
        path.join(dir, 'stored.test.json'),
        '  FAIL planted (completed)',
        '       expect.status: status is completed expected "failed", got "completed"',
        '1 passed, 1 failed in 2 test documents',
        '',
      ].join('\n'),
    )
  })

  it('--reporter junit -o writes JUnit XML to the file and the text to standard output; a document the API refuses exits 1', async () => {
    const dir = folder()
    const file = path.join(dir, 'out', 'junit.xml')
    mkdirSync(path.dirname(file))
    const ran = await cli(['test', dir, '--reporter', 'junit', '-o', file], routes(true))
    assert.equal(ran.code, 1, ran.stderr)
    assert.match(ran.stdout, /1 passed, 0 failed in 2 test documents, 1 document could not run\n$/)
    assert.match(ran.stdout, /error: 400 invalid_request: bad\n {4}cases\.0\.mocks: no <task>/)
    const xml = readFileSync(file, 'utf8')
    assert.match(
      xml,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="edgeflow" tests="2" failures="0" errors="1"/,
    )
    assert.match(xml, /<error message="error: 400 invalid_request: bad&#10;  cases\.0\.mocks: no &lt;task&gt;"/)
    // without -o the XML is standard output
    const printed = await cli(['test', dir, '--reporter', 'junit'], routes(false))
    assert.equal(printed.code, 3)
    assert.match(printed.stdout, /^<\?xml/)
    assert.match(printed.stdout, /<failure message="1 difference" type="expectation">/)
  })

  it('refuses a folder without test documents, and --json with --reporter junit', async () => {
    const empty = scratchDir('test-empty')
    const ran = await cli(['test', empty])
    assert.equal(ran.code, 2)
    assert.match(ran.stderr, /no test documents \(\*\.test\.yaml, \.yml or \.json\) in /)
    const both = parseCommand(['test', '--json', '--reporter', 'junit'], {})
    assert.deepEqual(both, { ok: false, message: '--json and --reporter junit say two ways to report: give one' })
    const here = parseCommand(['test'], {})
    assert.ok(here.ok)
    assert.deepEqual(here.command, { name: 'test', target: '.', reporter: 'text', output: undefined, stored: false })
  })

  it('flows test <flow> --stored runs the cases stored with the flow', async () => {
    const ran = await cli(
      ['flows', 'test', 'stored', '--stored'],
      [on('POST', '/api/flows/stored/tests/run', () => answer(200, failing))],
    )
    assert.equal(ran.code, 3, ran.stderr)
    assert.deepEqual(
      ran.requests.map((request) => `${request.method} ${request.url.pathname}`),
      ['POST /api/flows/stored/tests/run'],
    )
    assert.match(ran.stdout, /^FAIL planted \(completed\)\n/)
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
    assert.deepEqual(pulled.command, { name: 'executions pull', executionId: 'abc', output: undefined })
    // the issue's short forms
    const short = parseCommand(['pull', 'abc', '-o', 'r.json'], {})
    assert.ok(short.ok)
    assert.deepEqual(short.command, { name: 'pull', executionId: 'abc', output: 'r.json' })
    const replay = parseCommand(['replay', 'r.json', '--revision', '2'], {})
    assert.ok(replay.ok)
    assert.deepEqual(replay.command, { name: 'replay', file: 'r.json', flowFile: undefined, revision: 2 })
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
