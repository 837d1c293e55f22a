/**
 * The CLI end to end (`npm run test:cli`): `wrangler dev` on a free port with its own state
 * directory and an API token, then the real `edgeflow` commands as subprocesses — push, run, list,
 * watch, kill, pause, resume, replay, events — with their output and exit codes checked.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { applyMigrations, freePort, ROOT, startDev } from '../bench/stack.ts'
import { flowFiles } from '../src/cli/push.ts'

const TOKEN = 'cli-e2e-token'
const BIN = path.join(ROOT, 'bin', 'edgeflow.js')

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

/** The secrets examples/deliver.json names, as `npm start` gets them from .dev.vars. */
const devVars = Object.fromEntries(
  readFileSync(path.join(ROOT, '.dev.vars.example'), 'utf8')
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
)

function run(command: string[], args: string[], env: Record<string, string>, input?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, [...command.slice(1), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

const steps: { name: string; ms: number }[] = []

async function step(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now()
  try {
    await body()
  } catch (error) {
    console.error(`✗ ${name}`)
    throw error
  }
  steps.push({ name, ms: Date.now() - started })
  console.log(`✓ ${name} (${Date.now() - started} ms)`)
}

/** Asks again until `probe` gives a value, for what becomes observable later (the D1 list); fails after 20 s. */
async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const expectCode = (ran: Ran, code: number, what: string) =>
  assert.equal(ran.code, code, `${what}: exit ${ran.code}\nstdout: ${ran.stdout}\nstderr: ${ran.stderr}`)

const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-cli-e2e-'))
const flows = path.join(state, 'flows')
mkdirSync(flows)
const started = Date.now()
applyMigrations('wrangler.toml', path.join(state, 'wrangler'))
const dev = await startDev('wrangler.toml', path.join(state, 'wrangler'), '/api/flows', {
  vars: { API_TOKEN: TOKEN, ...devVars },
})
console.log(`wrangler dev on ${dev.url} after ${Date.now() - started} ms`)
const env = { EDGEFLOW_URL: dev.url, EDGEFLOW_TOKEN: TOKEN }
const edgeflow = (args: string[], input?: string) => run([process.execPath, BIN], args, env, input)
const json = <T>(ran: Ran): T => JSON.parse(ran.stdout) as T

interface Started {
  executionId: string
  status: string
}

try {
  await step('npx edgeflow --help prints the usage', async () => {
    const ran = await run(['npx', 'edgeflow'], ['--help'], {})
    expectCode(ran, 0, 'help')
    assert.match(ran.stdout, /^Usage: edgeflow <command>/)
    assert.match(ran.stdout, /Exit codes:/)
  })

  await step('a usage error exits 2 and says why', async () => {
    const ran = await edgeflow(['flows'])
    expectCode(ran, 2, 'usage')
    assert.match(ran.stderr, /"flows" needs a command/)
  })

  await step(
    'a missing token exits 1 with the API error and says what to set; --json puts it on stderr as JSON',
    async () => {
      const ran = await run([process.execPath, BIN], ['flows', 'ls'], { EDGEFLOW_URL: dev.url, EDGEFLOW_TOKEN: '' })
      expectCode(ran, 1, 'no token')
      assert.match(ran.stderr, /^error: 401 unauthorized/)
      assert.match(ran.stderr, /set --token or EDGEFLOW_TOKEN/)
      const json = await run([process.execPath, BIN], ['flows', 'ls', '--json'], {
        EDGEFLOW_URL: dev.url,
        EDGEFLOW_TOKEN: '',
      })
      expectCode(json, 1, 'no token, --json')
      assert.equal(json.stdout, '')
      assert.deepEqual([JSON.parse(json.stderr).error.type, JSON.parse(json.stderr).error.status], ['api', 401])
    },
  )

  await step(
    'an unreachable Worker: one error naming --url and EDGEFLOW_URL, even for a push of many files',
    async () => {
      const nowhere = `http://127.0.0.1:${await freePort()}`
      const ran = await run([process.execPath, BIN], ['flows', 'push', 'examples', '--url', nowhere], env)
      expectCode(ran, 1, 'unreachable')
      assert.equal(ran.stdout, '')
      assert.equal(ran.stderr.match(/could not reach/g)?.length, 1, ran.stderr)
      assert.match(ran.stderr, /ECONNREFUSED/)
      assert.ok(ran.stderr.includes(`check --url or EDGEFLOW_URL (now ${nowhere})`), ran.stderr)
    },
  )

  await step("--url of the API's address (…/api) reaches the Worker", async () => {
    expectCode(await edgeflow(['flows', 'ls', '--url', `${dev.url}/api`]), 0, 'flows ls --url …/api')
  })

  const examples = flowFiles(readdirSync(path.join(ROOT, 'examples')))
  assert.ok(examples.ok && examples.files.length >= 9, 'examples/ holds the example flows')

  await step('flows push examples creates every flow, and skips the files whose name is no flow id', async () => {
    const ran = await edgeflow(['flows', 'push', 'examples'])
    expectCode(ran, 0, 'push')
    const lines = ran.stdout.trim().split('\n')
    assert.match(lines[0] ?? '', /^FLOW +RESULT +REVISION +FILE +NOTE$/)
    assert.equal(lines.length, 1 + examples.files.length + examples.skipped.length, ran.stdout)
    for (const { file } of examples.files) assert.match(ran.stdout, new RegExp(`^\\w+ +created +1 +${file}$`, 'm'))
    for (const file of examples.skipped)
      assert.match(ran.stdout, new RegExp(`^\\S+ +skipped +- +${file} +the name is no flow id`, 'm'))
  })

  await step('flows push examples again: every flow unchanged, same revision', async () => {
    const ran = await edgeflow(['flows', 'push', 'examples', '--json'])
    expectCode(ran, 0, 'push again')
    const results = json<{ flowId: string; result: string; revision?: number }[]>(ran)
    const pushed = results.filter((result) => result.result !== 'skipped')
    assert.equal(pushed.length, examples.files.length)
    for (const result of pushed) assert.deepEqual([result.result, result.revision], ['unchanged', 1], result.flowId)
  })

  await step(
    'flows push of YAML, a broken flow and a draft: the good one lands, the bad one says where, exit 1',
    async () => {
      writeFileSync(
        path.join(flows, 'hello.yaml'),
        'mode: sync\ntasks:\n  - id: hi\n    type: return\n    body: { hi: there }\n',
      )
      writeFileSync(path.join(flows, 'broken.json'), JSON.stringify({ tasks: [{ id: 'x', type: 'nope' }] }))
      writeFileSync(path.join(flows, 'hello-draft.json'), JSON.stringify({ tasks: [] }))
      const ran = await edgeflow(['flows', 'push', flows])
      expectCode(ran, 1, 'push with a broken flow')
      assert.match(ran.stdout, /^hello-draft +skipped +- +hello-draft\.json +the name is no flow id/m)
      rmSync(path.join(flows, 'hello-draft.json'))
      assert.match(ran.stdout, /^broken +failed +- +broken\.json +invalid_flow: .*tasks\.0/m)
      assert.match(ran.stdout, /^hello +created +1 +hello\.yaml/m)
      rmSync(path.join(flows, 'broken.json'))
    },
  )

  await step('flows ls lists them', async () => {
    const ran = await edgeflow(['flows', 'ls'])
    expectCode(ran, 0, 'flows ls')
    assert.match(ran.stdout, /^greet +1 +yes +sync .*Greet$/m)
    assert.match(ran.stdout, /^approval +1 +yes +async /m)
  })

  let greetId = ''
  await step('run greet --body - --wait: progress on stderr, the outcome on stdout, exit 0', async () => {
    const ran = await edgeflow(['run', 'greet', '--body', '-', '--wait'], '{"name":"Ada"}')
    expectCode(ran, 0, 'run --wait')
    const id = /^execution (\S+) completed after/m.exec(ran.stdout)?.[1]
    assert.ok(id, ran.stdout)
    greetId = id
    assert.match(ran.stdout, /output .*Hello, Ada!/)
    // the sync answer is the result: on standard output, before how the execution ended
    assert.match(ran.stdout, new RegExp(`^execution ${id} answered 200\n.*Hello, Ada!.*\nexecution ${id} completed`))
    assert.match(ran.stderr, new RegExp(`^${id} completed · 3/3 task runs ended`, 'm'))
  })

  await step('run greet --body file --json answers the sync output', async () => {
    const body = path.join(state, 'input.json')
    writeFileSync(body, '{"name":"Grace"}')
    const ran = await edgeflow(['run', 'greet', '--body', body, '--json'])
    expectCode(ran, 0, 'run --json')
    const answer = json<{ kind: string; status: number; body: unknown }>(ran)
    assert.deepEqual([answer.kind, answer.status, answer.body], ['answered', 200, { greeting: 'Hello, Grace!' }])
  })

  await step('executions ls, get, logs and watch show the execution', async () => {
    // the list is eventually consistent (the index goes through a queue): wait until it shows the run
    const list = await until(async () => {
      const ran = await edgeflow(['executions', 'ls', '--flow', 'greet', '--json'])
      expectCode(ran, 0, 'ls --json')
      return json<{ items: { id: string }[] }>(ran).items.some((item) => item.id === greetId) ? ran : undefined
    }, `execution ${greetId} listed`)
    assert.ok(list)
    const table = await edgeflow(['executions', 'ls', '--flow', 'greet'])
    // a short id, as git shows commits, which the other commands take
    const short = new RegExp(`^(${greetId.slice(0, 8)}\\S*) +greet +1 +completed +manual `, 'm').exec(table.stdout)?.[1]
    assert.ok(short && short.length < greetId.length, table.stdout)
    const get = await edgeflow(['executions', 'get', short])
    expectCode(get, 0, 'get')
    assert.match(get.stdout, /^status +completed$/m)
    assert.match(get.stdout, /^\d+ +hello +return +completed +1 /m)
    const logs = await edgeflow(['executions', 'logs', greetId, '--task', 'log'])
    expectCode(logs, 0, 'logs')
    assert.match(logs.stdout, /info +log +greeting Ada/)
    // the API's NDJSON download, narrowed to the lines holding a text
    const ndjson = await edgeflow(['executions', 'logs', greetId, '--search', 'GREETING', '--format', 'ndjson'])
    expectCode(ndjson, 0, 'logs --format ndjson')
    const lines = ndjson.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { taskId: string; message: string })
    assert.deepEqual(
      lines.map((line) => [line.taskId, line.message]),
      [['log', 'greeting Ada']],
    )
    const watch = await edgeflow(['executions', 'watch', greetId])
    expectCode(watch, 0, 'watch of an ended execution')
  })

  await step('a failed execution exits 3, and its replay on a fixed revision completes', async () => {
    const broken = { mode: 'sync', tasks: [{ id: 'compute', type: 'set', values: { total: '{{ $number("x") }}' } }] }
    writeFileSync(path.join(flows, 'orders.json'), JSON.stringify(broken))
    expectCode(await edgeflow(['flows', 'push', flows]), 0, 'push broken orders')
    const failed = await edgeflow(['run', 'orders', '--wait'])
    expectCode(failed, 3, 'run of a failing flow')
    const id = /^execution (\S+) failed after/m.exec(failed.stdout)?.[1]
    assert.ok(id, failed.stdout)
    assert.match(failed.stdout, /^error expression_error at compute/m)
    // without --wait, the sync answer of the failure (500) exits 3 too
    const answered = await edgeflow(['run', 'orders'])
    expectCode(answered, 3, 'run of a failing sync flow without --wait')
    assert.match(answered.stdout, /^execution \S+ answered 500/)
    const fixed = { mode: 'sync', tasks: [{ id: 'compute', type: 'set', values: { total: '{{ $number("42") }}' } }] }
    writeFileSync(path.join(flows, 'orders.json'), JSON.stringify(fixed))
    const pushed = await edgeflow(['flows', 'push', flows])
    assert.match(pushed.stdout, /^orders +updated +2 /m)
    const replay = await edgeflow(['executions', 'replay', id, '--wait'])
    expectCode(replay, 0, 'replay --wait')
    assert.match(replay.stderr, new RegExp(`replays ${id} from compute on revision 2`))
    assert.match(replay.stdout, /completed after/)
  })

  await step('kill, pause and resume a delayed execution; watch of the killed one exits 3', async () => {
    writeFileSync(
      path.join(flows, 'sleepy.json'),
      JSON.stringify({
        tasks: [
          { id: 'nap', type: 'delay', duration: '1h' },
          { id: 'after', type: 'log', message: 'woke' },
        ],
      }),
    )
    expectCode(await edgeflow(['flows', 'push', flows]), 0, 'push sleepy')
    const ran = await edgeflow(['run', 'sleepy', '--json'])
    expectCode(ran, 0, 'run sleepy')
    const { executionId } = json<Started>(ran)
    const paused = await edgeflow(['executions', 'pause', executionId])
    expectCode(paused, 0, 'pause')
    assert.equal(paused.stdout.trim(), `execution ${executionId} paused`)
    const again = await edgeflow(['executions', 'pause', executionId])
    expectCode(again, 1, 'pause of a paused execution')
    assert.match(again.stderr, /^error: 409 conflict/)
    const resumed = await edgeflow(['executions', 'resume', executionId, '--json'])
    expectCode(resumed, 0, 'resume')
    assert.equal(json<Started>(resumed).executionId, executionId)
    const timedOut = await edgeflow(['executions', 'watch', executionId, '--timeout', '1s'])
    expectCode(timedOut, 4, 'watch past its timeout')
    assert.match(timedOut.stderr, /still delayed after 1000 ms/)
    const killed = await edgeflow(['executions', 'kill', executionId])
    expectCode(killed, 0, 'kill')
    assert.match(killed.stdout, new RegExp(`^execution ${executionId} (killing|killed)\n$`))
    const watch = await edgeflow(['executions', 'watch', executionId, '--timeout', '30s'])
    expectCode(watch, 3, 'watch of a killed execution')
    assert.match(watch.stdout, /killed after/)
  })

  await step('events send delivers to a waiting approval, which completes', async () => {
    const ran = await edgeflow(['run', 'approval', '--body', '-', '--json'], '{"amount":100}')
    expectCode(ran, 0, 'run approval')
    const { executionId } = json<Started>(ran)
    const sent = await edgeflow(['events', 'send', executionId, 'approved', '--body', '-'], '{"by":"ops"}')
    expectCode(sent, 0, 'events send')
    assert.match(
      sent.stdout,
      new RegExp(`^event approved (delivered to|kept for a wait task to come in) execution ${executionId}`),
    )
    const watch = await edgeflow(['executions', 'watch', executionId, '--json', '--timeout', '30s'])
    expectCode(watch, 0, 'watch approval')
    const execution = json<{ status: string; vars: unknown }>(watch)
    assert.deepEqual([execution.status, execution.vars], ['completed', { approvedBy: 'ops' }])
    const late = await edgeflow(['events', 'send', executionId, 'approved'])
    expectCode(late, 1, 'event to an ended execution')
    assert.match(late.stderr, /^error: 409/)
  })

  await step('flows put, run --adhoc and --task, executions rm, flows rm and rm --purge', async () => {
    const file = path.join(state, 'single.yaml')
    writeFileSync(file, 'mode: sync\ntasks:\n  - id: hi\n    type: return\n    body: { one: file }\n')
    const put = await edgeflow(['flows', 'put', file])
    expectCode(put, 0, 'flows put')
    assert.equal(put.stdout, 'flow single created (revision 1)\n')
    const inline = path.join(state, 'inline.json')
    writeFileSync(
      inline,
      JSON.stringify({ mode: 'sync', tasks: [{ id: 'echo', type: 'return', body: '{{ input.body }}' }] }),
    )
    const adhoc = await edgeflow(['run', '--adhoc', inline, '--body', '-', '--json'], '{"n":1}')
    expectCode(adhoc, 0, 'run --adhoc')
    const answered = json<{ executionId: string; status: number; body: unknown }>(adhoc)
    assert.deepEqual([answered.status, answered.body], [200, { n: 1 }])
    const task = await edgeflow(['run', '--task', '{"id":"t","type":"set","values":{"x":1}}'])
    expectCode(task, 0, 'run --task')
    assert.match(task.stdout, /^execution \S+ answered 200\n/)
    // a sync answer comes as soon as it is decided: the execution may end a moment later
    expectCode(await edgeflow(['executions', 'watch', answered.executionId]), 0, 'watch the ad-hoc run')
    const removed = await edgeflow(['executions', 'rm', answered.executionId])
    expectCode(removed, 0, 'executions rm')
    expectCode(await edgeflow(['executions', 'get', answered.executionId]), 1, 'get of a deleted execution')
    expectCode(await edgeflow(['flows', 'rm', 'single']), 0, 'flows rm')
    expectCode(await edgeflow(['run', 'single']), 1, 'run of a disabled flow')
    const purged = await edgeflow(['flows', 'rm', 'single', '--purge'])
    expectCode(purged, 0, 'flows rm --purge')
    const gone = await edgeflow(['flows', 'get', 'single'])
    expectCode(gone, 1, 'get of a purged flow')
    assert.match(gone.stderr, /^error: 404/)
  })

  await step('edgeflow test examples passes every case of every example, no network', async () => {
    const ran = await edgeflow(['test', 'examples'])
    expectCode(ran, 0, 'test examples')
    assert.match(ran.stdout, /^examples\/order-saga\.test\.yaml$/m)
    assert.match(ran.stdout, /^ {2}PASS the order ships; nothing is undone \(completed\)$/m)
    const documents = readdirSync(path.join(ROOT, 'examples')).filter((file) => file.endsWith('.test.yaml'))
    assert.ok(documents.length >= 16, 'a test document beside every example flow')
    assert.match(ran.stdout, new RegExp(`^\\d+ passed, 0 failed in ${documents.length} test documents$`, 'm'))
  })

  await step(
    'test of a planted wrong expectation and a missing mock: exit 3, each named; --reporter junit -o writes the XML',
    async () => {
      const dir = path.join(state, 'planted')
      mkdirSync(dir)
      writeFileSync(path.join(dir, 'orders.json'), readFileSync(path.join(ROOT, 'examples', 'order-saga.json')))
      const cases = readFileSync(path.join(ROOT, 'examples', 'order-saga.test.yaml'), 'utf8')
      // the first case expects the wrong status; a new one forgets the mocks of its http calls
      const planted = cases.replace('expect:\n      status: completed', 'expect:\n      status: failed')
      assert.notEqual(planted, cases)
      const forgot = '  - name: forgot the mocks\n    input:\n      body: { orderId: 1, sku: pen, amount: 1 }\n'
      writeFileSync(path.join(dir, 'orders.test.yaml'), `${planted.trimEnd()}\n\n${forgot}`)
      const report = path.join(state, 'junit.xml')
      const ran = await edgeflow(['test', dir, '--reporter', 'junit', '-o', report])
      expectCode(ran, 3, 'test of planted failures')
      assert.match(
        ran.stdout,
        /FAIL the order ships; nothing is undone \(completed\)\n +expect\.status: status is completed/,
      )
      assert.match(ran.stdout, /^ {2}FAIL forgot the mocks \(failed\)$/m)
      assert.match(
        ran.stdout,
        /^ +mocks: task reserve: POST http:\/\/127\.0\.0\.1:9100\/echo\?step=reserve matches no mock \(a flow test never calls the network\)$/m,
      )
      assert.match(ran.stdout, /^2 passed, 2 failed in 1 test document$/m)
      const xml = readFileSync(report, 'utf8')
      assert.match(xml, /<testsuites name="edgeflow" tests="4" failures="2" errors="0"/)
      assert.match(xml, /<failure message="1 difference" type="expectation">expect\.status: status is completed/)
    },
  )

  await step('flows test <flow> --stored runs the cases stored with the flow on the server', async () => {
    const put = (url: string, body: string, type: string) =>
      fetch(`${dev.url}${url}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': type },
        body,
      })
    const flow = readFileSync(path.join(ROOT, 'examples', 'order-saga.json'), 'utf8')
    assert.ok((await put('/api/flows/orderSaga', flow, 'application/json')).ok)
    const tests = readFileSync(path.join(ROOT, 'examples', 'order-saga.test.yaml'), 'utf8')
    const stored = await put('/api/flows/orderSaga/tests', tests, 'application/yaml')
    assert.equal(stored.status, 200, await stored.text())
    const ran = await edgeflow(['flows', 'test', 'orderSaga', '--stored'])
    expectCode(ran, 0, 'flows test --stored')
    assert.match(ran.stdout, /^3 passed, 0 failed$/m)
  })

  await step(
    'pull -o and replay of a recorded execution: no change on its own revision, the changed task on a fix',
    async () => {
      const record = path.join(state, 'greet-record.json')
      const pulled = await edgeflow(['pull', greetId, '-o', record])
      expectCode(pulled, 0, 'pull -o')
      assert.match(pulled.stdout, new RegExp(`^execution ${greetId} written to ${record} \\(3 task runs\\)$`, 'm'))
      const same = await edgeflow(['flows', 'replay', record])
      expectCode(same, 0, 'flows replay on its own revision')
      assert.equal(same.stdout, 'no change (3 tasks as recorded)\n')
      const changed = path.join(state, 'greet-changed.json')
      const greet = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'greet.json'), 'utf8'))
      greet.tasks[2].body.greeting = 'Hi, {{ vars.name }}!'
      writeFileSync(changed, JSON.stringify(greet))
      const replayed = await edgeflow(['replay', record, '--flow', changed])
      expectCode(replayed, 3, 'replay on a changed flow')
      assert.match(replayed.stdout, /^> hello: changed .*output/m)
      assert.match(replayed.stdout, /^1 tasks changed; first at hello$/m)
    },
  )

  await step("the README's client example runs as written", async () => {
    const ran = await run([process.execPath, path.join(ROOT, 'scripts', 'client-example.ts')], [], env)
    expectCode(ran, 0, 'client example')
    assert.deepEqual(ran.stdout.split('\n').slice(0, 1), ["200 { hello: 'Ada' }"])
    assert.match(ran.stdout, /^completed in \d+ ms$/m)
    assert.match(ran.stdout, /^404 not_found execution no-such-execution not found$/m)
  })

  await step('an unknown execution exits 1 with 404', async () => {
    const ran = await edgeflow(['executions', 'get', 'nope'])
    expectCode(ran, 1, 'unknown execution')
    assert.match(ran.stderr, /^error: 404 not_found: execution nope not found/)
  })
} finally {
  await dev.stop()
  rmSync(state, { recursive: true, force: true })
}
const total = steps.reduce((sum, each) => sum + each.ms, 0)
console.log(`${steps.length} steps passed in ${total} ms (${Date.now() - started} ms with wrangler dev)`)
