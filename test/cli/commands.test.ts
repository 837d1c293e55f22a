/** The CLI's commands end to end on a fake network: what reaches the API, what is printed where, the exit code. */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { scratchDir } from './scratch.ts'
import { answer, cli, FULL, on, type Route, URL } from './fake-api.ts'
import { execution, summary } from './samples.ts'

/** A sync flow's answer to the manual trigger. */
const syncAnswer = (status: number, body: unknown) =>
  on('POST', '/api/flows/greet/executions', () => answer(status, body, { 'x-execution-id': FULL }))
const executionIs = (status: 'completed' | 'failed') =>
  on('GET', `/api/executions/${FULL}`, () => answer(200, execution({ id: FULL, status, mode: 'sync' })))

const refused = () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  })
}

describe('run', () => {
  it('exits 3 when a sync flow answers its failure (5xx), as --wait does, and 0 for its other answers', async () => {
    const failure = { error: { code: 'execution_failed', message: 'boom', type: 'internal', taskId: 'x' } }
    const failed = await cli(['run', 'greet'], [syncAnswer(500, failure)])
    assert.equal(failed.code, 3, failed.stderr)
    assert.match(failed.stdout, new RegExp(`^execution ${FULL} answered 500`))
    assert.equal((await cli(['run', 'greet', '--json'], [syncAnswer(500, failure)])).code, 3)
    assert.equal((await cli(['run', 'greet'], [syncAnswer(404, { missing: true })])).code, 0)
  })

  it('--wait keeps the sync answer on standard output, before how the execution ended', async () => {
    const ran = await cli(['run', 'greet', '--wait'], [syncAnswer(200, { hello: 'Ada' }), executionIs('completed')])
    assert.equal(ran.code, 0, ran.stderr)
    assert.match(
      ran.stdout,
      new RegExp(`^execution ${FULL} answered 200\n\\{"hello":"Ada"\\}\nexecution ${FULL} completed`),
    )
  })

  it('--adhoc runs an inline flow from a file and --task one task, with --body as the input', async () => {
    const dir = scratchDir('cli')
    const file = path.join(dir, 'try.json')
    writeFileSync(file, JSON.stringify({ mode: 'sync', tasks: [{ id: 'hi', type: 'return', body: 'hi' }] }))
    const adhoc = on('POST', '/api/executions', () => answer(200, 'hi', { 'x-execution-id': FULL }))
    const flow = await cli(['run', '--adhoc', file, '--body', '-'], [adhoc], {}, '{"name":"Ada"}')
    assert.equal(flow.code, 0, flow.stderr)
    assert.deepEqual(JSON.parse(flow.requests[0]?.body ?? ''), {
      flow: { mode: 'sync', tasks: [{ id: 'hi', type: 'return', body: 'hi' }] },
      input: { name: 'Ada' },
    })
    const task = await cli(['run', '--task', '{"id":"t","type":"log","message":"hi"}'], [adhoc])
    assert.equal(task.code, 0, task.stderr)
    assert.deepEqual(JSON.parse(task.requests[0]?.body ?? ''), { task: { id: 't', type: 'log', message: 'hi' } })
    const bad = await cli(['run', '--task', '{oops'], [adhoc])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /^error: --task is not JSON/)
  })
})

describe('errors', () => {
  it('--json prints an error as one JSON object on standard error, standard output empty', async () => {
    const ran = await cli(['executions', 'get', 'nope', '--json'])
    assert.equal(ran.code, 1)
    assert.equal(ran.stdout, '')
    assert.deepEqual(JSON.parse(ran.stderr), {
      error: {
        type: 'api',
        code: 'not_found',
        status: 404,
        message: 'GET /api/executions/nope not found',
        issues: [],
        executionId: null,
      },
    })
    const usage = await cli(['flows', '--json'])
    assert.equal(usage.code, 2)
    assert.deepEqual(JSON.parse(usage.stderr), {
      error: { type: 'usage', code: 'usage', message: '"flows" needs a command' },
    })
  })

  it('an unreachable Worker names the reason and says to check --url or EDGEFLOW_URL', async () => {
    const ran = await cli(['flows', 'ls'], [refused])
    assert.equal(ran.code, 1)
    assert.equal(
      ran.stderr,
      `error: could not reach ${URL}: fetch failed (ECONNREFUSED)\n  check --url or EDGEFLOW_URL (now ${URL}): is the Worker running there (npm start)?\n`,
    )
    const json = await cli(['flows', 'ls', '--json'], [refused])
    assert.match(JSON.parse(json.stderr).error.hint, /--url or EDGEFLOW_URL/)
  })

  it('a 401 says to check --token or EDGEFLOW_TOKEN', async () => {
    const unauthorized: Route = () =>
      answer(401, { error: { code: 'unauthorized', message: 'a bearer token is required' } })
    const none = await cli(['flows', 'ls'], [unauthorized])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /^error: 401 unauthorized: .*\n {2}no token was given: set --token or EDGEFLOW_TOKEN/)
    const wrong = await cli(['flows', 'ls'], [unauthorized], { EDGEFLOW_TOKEN: 'old' })
    assert.match(wrong.stderr, /the Worker refused the token: check --token or EDGEFLOW_TOKEN/)
  })

  it('flows push to an unreachable Worker says so once, not once per file', async () => {
    const dir = scratchDir('cli')
    for (const name of ['a', 'b', 'c']) writeFileSync(path.join(dir, `${name}.json`), '{"tasks":[]}')
    const ran = await cli(['flows', 'push', dir], [refused])
    assert.equal(ran.code, 1)
    assert.equal(ran.stdout, '')
    assert.equal(ran.stderr.match(/could not reach/g)?.length, 1, ran.stderr)
    assert.equal(ran.requests.length, 1)
  })

  it('--url of the API (…/api) reaches the Worker', async () => {
    const ran = await cli(
      ['flows', 'ls', '--url', `${URL}/api/`],
      [on('GET', '/api/flows', () => answer(200, { items: [], nextCursor: null }))],
    )
    assert.equal(ran.code, 0, ran.stderr)
    assert.equal(ran.requests[0]?.url.pathname, '/api/flows')
  })
})

describe('short execution ids', () => {
  const listing = (ids: string[], more = false) =>
    on('GET', '/api/executions', (_, url) => {
      const prefix = url.searchParams.get('idPrefix') ?? ''
      const items = ids.filter((id) => id.startsWith(prefix)).map((id) => summary({ id }))
      return answer(200, { items, nextCursor: more ? 'next' : null })
    })

  it('executions ls shows the prefix that tells the listed ids apart, and commands take it', async () => {
    const other = 'a'.repeat(8) + 'c'.repeat(56)
    const ls = await cli(['executions', 'ls'], [listing([FULL, other])])
    assert.equal(ls.code, 0, ls.stderr)
    assert.match(ls.stdout, /^aaaaaaaab +greet/m)
    assert.match(ls.stdout, /^aaaaaaaac +greet/m)
    const get = await cli(['executions', 'get', 'aaaaaaaab'], [listing([FULL, other]), executionIs('completed')])
    assert.equal(get.code, 0, get.stderr)
    assert.equal(get.requests[0]?.url.searchParams.get('idPrefix'), 'aaaaaaaab')
    assert.equal(get.requests[1]?.url.pathname, `/api/executions/${FULL}`)
  })

  it('refuses an ambiguous prefix, naming the candidates', async () => {
    const other = 'a'.repeat(8) + 'c'.repeat(56)
    const ran = await cli(['executions', 'kill', 'aaaa'], [listing([FULL, other])])
    assert.equal(ran.code, 2)
    assert.equal(
      ran.stderr,
      `error: execution id aaaa is ambiguous: 2 executions start with it, give more of it:\n  ${FULL}\n  ${other}\n`,
    )
    assert.equal(ran.requests.length, 1)
  })

  it('passes a full id, or a prefix nothing was listed under yet, as it is', async () => {
    const full = await cli(['executions', 'get', FULL], [executionIs('completed')])
    assert.equal(full.requests.length, 1)
    const unlisted = await cli(['executions', 'get', 'abcdef12'], [listing([])])
    assert.equal(unlisted.code, 1)
    assert.equal(unlisted.requests[1]?.url.pathname, '/api/executions/abcdef12')
  })
})

describe('flows put, flows rm, executions rm', () => {
  it('flows put stores one file under the flow id its name gives', async () => {
    const dir = scratchDir('cli')
    const file = path.join(dir, 'hello.yaml')
    writeFileSync(file, 'tasks: []\n')
    const put = on('PUT', '/api/flows/hello', () => answer(201, { id: 'hello', revision: 1, changed: true }))
    const ran = await cli(['flows', 'put', file], [put])
    assert.equal(ran.code, 0, ran.stderr)
    assert.equal(ran.stdout, 'flow hello created (revision 1)\n')
    assert.equal(ran.requests[0]?.body, 'tasks: []\n')
    const named = await cli(['flows', 'put', path.join(dir, 'hello-draft.json')])
    assert.equal(named.code, 2)
    assert.match(named.stderr, /hello-draft\.json: the name is no flow id/)
  })

  it('flows rm disables, --purge deletes for good; executions rm deletes an execution', async () => {
    const remove = on('DELETE', '/api/flows/hello', () => new Response(null, { status: 204 }))
    const disabled = await cli(['flows', 'rm', 'hello'], [remove])
    assert.equal(disabled.code, 0, disabled.stderr)
    assert.equal(disabled.requests[0]?.url.search, '?purge=false')
    assert.match(disabled.stdout, /^flow hello disabled/)
    const purged = await cli(['flows', 'rm', 'hello', '--purge', '--json'], [remove])
    assert.equal(purged.requests[0]?.url.search, '?purge=true')
    assert.deepEqual(JSON.parse(purged.stdout), { flowId: 'hello', result: 'deleted' })
    const gone = await cli(
      ['executions', 'rm', FULL],
      [on('DELETE', `/api/executions/${FULL}`, () => new Response(null, { status: 204 }))],
    )
    assert.equal(gone.code, 0, gone.stderr)
    assert.equal(gone.stdout, `execution ${FULL} deleted\n`)
  })
})

describe('executions logs', () => {
  const line = (id: number, message: string) => ({
    id,
    at: '2026-01-01T00:00:00.000Z',
    level: 'info',
    taskId: 'say',
    taskRunId: 1,
    attempt: 1,
    traceId: null,
    spanId: null,
    message,
  })

  it('--format ndjson writes the API download as it comes, with --search as q', async () => {
    const body = `${JSON.stringify(line(1, 'hello'))}\n${JSON.stringify(line(2, 'hello again'))}\n`
    const download = on(
      'GET',
      `/api/executions/${FULL}/logs.ndjson`,
      () => new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } }),
    )
    const ran = await cli(
      ['executions', 'logs', FULL, '--format', 'ndjson', '--search', 'hello', '--level', 'info'],
      [download],
    )
    assert.equal(ran.code, 0, ran.stderr)
    assert.equal(ran.stdout, body)
    const asked = ran.requests[0]?.url.searchParams
    assert.equal(asked?.get('q'), 'hello')
    assert.equal(asked?.get('level'), 'info')
  })

  it('--search narrows the pages read for the text format too; a missing execution exits 1', async () => {
    const pages = on('GET', `/api/executions/${FULL}/logs`, () =>
      answer(200, { items: [line(1, 'hello')], nextCursor: null, dropped: 0 }),
    )
    const ran = await cli(['executions', 'logs', FULL, '--search', 'hel'], [pages])
    assert.equal(ran.code, 0, ran.stderr)
    assert.match(ran.stdout, /hello/)
    assert.equal(ran.requests[0]?.url.searchParams.get('q'), 'hel')
    const missing = await cli(['executions', 'logs', FULL, '--format', 'ndjson'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /not found/)
  })
})
