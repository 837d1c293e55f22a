import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_TIMEOUT_MS, DEFAULT_URL, durationMs, parseCommand } from '../../src/cli/args.ts'

const parse = (line: string, env: Record<string, string> = {}) => parseCommand(line.split(' ').filter(Boolean), env)
const command = (line: string) => {
  const parsed = parse(line)
  assert.ok(parsed.ok, `expected "${line}" to parse: ${parsed.ok ? '' : parsed.message}`)
  return parsed.command
}
const refusal = (line: string) => {
  const parsed = parse(line)
  assert.ok(!parsed.ok, `expected "${line}" to be refused`)
  return parsed.message
}

describe('parseCommand', () => {
  it('reads each command with its arguments and options', () => {
    assert.deepEqual(command('flows push examples'), { name: 'flows push', dir: 'examples' })
    assert.deepEqual(command('run greet --body - --wait --timeout 30s'), {
      name: 'run',
      flowId: 'greet',
      body: { from: 'stdin' },
      wait: true,
      timeoutMs: 30_000,
    })
    assert.deepEqual(command('run greet --body input.json'), {
      name: 'run',
      flowId: 'greet',
      body: { from: 'file', path: 'input.json' },
      wait: false,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    })
    assert.deepEqual(command('executions ls --flow greet --status failed --limit 5'), {
      name: 'executions ls',
      flowId: 'greet',
      status: 'failed',
      labels: [],
      limit: 5,
    })
    assert.deepEqual(command('executions ls --label customer:42 --label tier:gold:plus'), {
      name: 'executions ls',
      flowId: undefined,
      status: undefined,
      labels: ['customer:42', 'tier:gold:plus'],
      limit: 20,
    })
    assert.deepEqual(command('executions replay abc --from compute --revision 2 --wait'), {
      name: 'executions replay',
      executionId: 'abc',
      fromTaskId: 'compute',
      revision: 2,
      wait: true,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    })
    assert.deepEqual(command('events send abc approved'), {
      name: 'events send',
      executionId: 'abc',
      event: 'approved',
      body: undefined,
    })
    assert.deepEqual(command('executions kill abc'), { name: 'executions kill', executionId: 'abc' })
  })

  it('reads the new commands: flows put and rm, executions rm, ad-hoc runs', () => {
    assert.deepEqual(command('flows put flows/hello.yaml'), { name: 'flows put', file: 'flows/hello.yaml' })
    assert.deepEqual(command('flows rm hello'), { name: 'flows rm', flowId: 'hello', purge: false })
    assert.deepEqual(command('flows rm hello --purge'), { name: 'flows rm', flowId: 'hello', purge: true })
    assert.deepEqual(command('executions rm abc'), { name: 'executions rm', executionId: 'abc' })
    assert.deepEqual(command('run --adhoc try.json --body - --wait'), {
      name: 'run adhoc',
      source: { from: 'flow', body: { from: 'file', path: 'try.json' } },
      body: { from: 'stdin' },
      wait: true,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    })
    assert.deepEqual(parseCommand(['run', '--task', '{"id":"t","type":"log","message":"hi"}'], {}), {
      ok: true,
      command: {
        name: 'run adhoc',
        source: { from: 'task', json: '{"id":"t","type":"log","message":"hi"}' },
        body: undefined,
        wait: false,
        timeoutMs: DEFAULT_TIMEOUT_MS,
      },
      connection: { url: DEFAULT_URL, token: undefined, json: false },
    })
  })

  it("understands the API's address as the Worker's: a trailing /api and slashes go", () => {
    for (const url of ['http://x:1/api', 'http://x:1/api/', 'http://x:1/', 'http://x:1']) {
      const parsed = parse(`flows ls --url ${url}`)
      assert.ok(parsed.ok)
      assert.equal(parsed.connection.url, 'http://x:1', url)
    }
    const prefixed = parse('flows ls', { EDGEFLOW_URL: 'https://example.com/edgeflow/api' })
    assert.ok(prefixed.ok)
    assert.equal(prefixed.connection.url, 'https://example.com/edgeflow')
  })

  it('takes options before or after the command', () => {
    assert.deepEqual(command('--json --url http://x:1 executions get abc'), command('executions get abc'))
    const parsed = parse('--json executions get abc --url http://x:1')
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.connection, { url: 'http://x:1', token: undefined, json: true })
  })

  it('reads the URL and the token from the environment unless given', () => {
    const fromEnv = parse('flows ls', { EDGEFLOW_URL: 'https://edgeflow.example', EDGEFLOW_TOKEN: 'secret' })
    assert.ok(fromEnv.ok)
    assert.deepEqual(fromEnv.connection, { url: 'https://edgeflow.example', token: 'secret', json: false })
    const given = parse('flows ls --token other', { EDGEFLOW_TOKEN: 'secret' })
    assert.ok(given.ok)
    assert.equal(given.connection.token, 'other')
    const none = parse('flows ls')
    assert.ok(none.ok)
    assert.deepEqual(none.connection, { url: DEFAULT_URL, token: undefined, json: false })
  })

  it('answers help without a command, with help or --help', () => {
    assert.deepEqual(command(''), { name: 'help', topic: undefined })
    assert.deepEqual(command('--help'), { name: 'help', topic: undefined })
    assert.deepEqual(command('run --help'), { name: 'help', topic: 'run' })
    assert.deepEqual(command('help executions'), { name: 'help', topic: 'executions' })
  })

  it('says what is wrong with a bad command line', () => {
    assert.equal(refusal('deploy'), 'unknown command "deploy"')
    assert.equal(refusal('flows'), '"flows" needs a command')
    assert.equal(refusal('flows mv x'), 'unknown command "flows mv"')
    assert.equal(refusal('run greet --task {}'), 'run --task runs no stored flow: leave out "greet"')
    assert.equal(refusal('run --adhoc a.json --task {}'), 'run takes --adhoc or --task, not both')
    assert.equal(refusal('flows get x --purge'), '--purge is not an option of flows get')
    assert.equal(refusal('flows push'), 'flows push needs <dir>')
    assert.equal(refusal('events send abc'), 'events send needs <execution-id> <event>')
    assert.equal(refusal('executions get a b'), 'executions get takes no argument "b"')
    assert.equal(refusal('flows ls --wait'), '--wait is not an option of flows ls')
    assert.match(
      refusal('executions ls --status done'),
      /^--status takes one of pending, queued, running, .* not "done"$/,
    )
    assert.equal(
      refusal('executions logs abc --level loud'),
      '--level takes one of debug, info, warn, error, not "loud"',
    )
    assert.equal(refusal('executions logs abc --format csv'), '--format takes one of text, ndjson, not "csv"')
    assert.equal(refusal('executions ls --limit 0'), '--limit takes a positive whole number, not "0"')
    assert.equal(refusal('executions ls --label customer'), '--label takes key:value, not "customer"')
    assert.equal(refusal('run greet --timeout soon'), '--timeout takes a duration such as 30s, 5m or 500ms, not "soon"')
    assert.equal(refusal('flows ls --url nowhere'), '--url "nowhere" is not a URL')
    assert.match(refusal('flows ls --nope'), /Unknown option '--nope'/)
    assert.match(refusal('run greet --body'), /--body <value>' argument missing/)
  })
})

describe('durationMs', () => {
  it('reads ms, s, m, h and bare seconds', () => {
    assert.deepEqual(
      ['500ms', '30s', '2m', '1h', '45', '1.5s'].map(durationMs),
      [500, 30_000, 120_000, 3_600_000, 45_000, 1500],
    )
    assert.equal(durationMs('10 minutes'), null)
    assert.equal(durationMs('-1s'), null)
  })
})
