/// <reference types="vite/client" />
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import front from '../README.md?raw'
import { curlRequest, holds, shellCommands, shown, type ShellCommand } from './helpers/readme'

/** The files the README's commands name (`-d @examples/greet.json`), as curl run from the repository would read them. */
const files = import.meta.glob<string>('../examples/*', { query: '?raw', import: 'default', eager: true })

function file(path: string): string {
  const text = files[`../${path}`]
  if (text === undefined) throw new Error(`the README names ${path}, which is not in examples/`)
  return text
}

/** Commands of the README that are not requests to edgeflow, and why this test does not run them. */
const SKIPPED: Record<string, string> = {
  'npm install': 'installs the dependencies: checked by hand (npm ci, offline but for the registry)',
  'npm start': 'starts wrangler dev: checked by hand; this test sends the same requests to the Worker in workerd',
  'npm test': 'runs this suite',
  'npx edgeflow flows test examples/order-saga.json':
    'runs the CLI against npm start: the request it sends is the curl of the same section (test/cli/flow-tests.test.ts)',
  'npm run test:cli': 'starts wrangler dev and runs the CLI as subprocesses: its own harness (scripts/cli-e2e.ts)',
  'npx wrangler queues create edgeflow-index': 'needs a Cloudflare account',
  'npx wrangler queues create edgeflow-index-dead': 'needs a Cloudflare account',
  'npx wrangler queues create edgeflow-traces': 'needs a Cloudflare account',
  'npx wrangler queues create edgeflow-events': 'needs a Cloudflare account',
  'npx wrangler queues create edgeflow-events-dead': 'needs a Cloudflare account',
  'npm run chaos': 'kills and restarts wrangler dev for minutes: its own harness (bench/chaos.ts)',
  'npm run test:browser': 'drives Chromium against wrangler dev: its own harness (browser/)',
  'npm run screenshots': 'drives Chromium against wrangler dev: its own harness (browser/)',
  'npm run measure:dashboard': 'drives Chromium against wrangler dev: its own harness (browser/)',
  'npm run target': 'test/helpers/global-setup.ts starts the same target, and this test points 127.0.0.1:9100 at it',
  'cp .dev.vars.example .dev.vars': 'vitest.config.ts gives the Worker the values of .dev.vars.example',
  'npx wrangler login': 'needs a Cloudflare account and a browser',
  'npx wrangler d1 create edgeflow': 'needs a Cloudflare account',
  'npm run deploy': 'needs a Cloudflare account',
  'npx wrangler secret put API_TOKEN': 'needs a Cloudflare account',
  'npx wrangler secret put ORDERS_WEBHOOK_SECRET': 'needs a Cloudflare account',
  'npx wrangler secret put FLOW_SECRET_CRM_TOKEN': 'needs a Cloudflare account',
  'npx wrangler secret put FLOW_SECRET_PARTNER_SIGNING': 'needs a Cloudflare account',
}

/** The README's examples call the local target on 127.0.0.1:9100 (`npm run target`); the tests serve it elsewhere. */
const README_TARGET = /^(?:http:\/\/)?(?:localhost|127\.0\.0\.1):9100/
const README_WORKER = /^(?:http:\/\/)?localhost:8787/
/** Where the README writes the id of the execution its previous commands started. */
const PLACEHOLDER = /<id>|<executionId>/g
const namesExecution = (command: ShellCommand) => /<id>|<executionId>/.test(text(command))
/** A request of the executions list. */
const LIST = /\/api\/executions\?/
/** Statuses a user reading the README sees settle before typing the next command that names the execution. */
const MOVING = new Set(['pending', 'running', 'queued'])

/** The README and the documents it links (docs/*.md), each read as a user would, section by section. */
const documents = import.meta.glob<string>('../docs/*.md', { query: '?raw', import: 'default', eager: true })
const readme = [front, ...Object.values(documents)].join('\n')
const commands = shellCommands(readme)
const text = (command: ShellCommand) => command.argv.join(' ')
const requests = commands.filter((command) => command.argv[0] === 'curl')
const sections = [...new Set(requests.map((command) => command.section))]

async function send(command: ShellCommand, executionId: string | null): Promise<Response> {
  const argv = command.argv.map((word) => word.replace(PLACEHOLDER, () => executionId ?? '<no execution yet>'))
  const request = curlRequest(argv, file)
  const init = {
    method: request.method,
    headers: request.headers,
    ...(request.body === null ? {} : { body: request.body.replaceAll('http://127.0.0.1:9100', env.TARGET_URL) }),
  }
  if (README_TARGET.test(request.url)) return fetch(request.url.replace(README_TARGET, env.TARGET_URL), init)
  expect(request.url, text(command)).toMatch(README_WORKER)
  return exports.default.fetch(new Request(request.url.replace(README_WORKER, 'http://localhost:8787'), init))
}

/** Waits, as a reader would, until the execution a command names has stopped moving. */
async function settled(executionId: string) {
  await vi.waitUntil(
    async () => {
      const response = await exports.default.fetch(new Request(`http://localhost:8787/api/executions/${executionId}`))
      return !MOVING.has(((await response.json()) as { status: string }).status)
    },
    { timeout: 10_000, interval: 20 },
  )
}

describe('the README', () => {
  it('has its request examples in sh blocks, and every other command is listed here with why it is not run', () => {
    expect(requests.length).toBeGreaterThan(25)
    const others = commands.filter((command) => command.argv[0] !== 'curl').map(text)
    expect(others.filter((command) => SKIPPED[command] === undefined)).toEqual([])
    expect(Object.keys(SKIPPED).filter((command) => !others.includes(command))).toEqual([])
  })

  it.each(sections)('runs the requests of "%s" as written, answering what it shows', async (section) => {
    let executionId: string | null = null
    for (const command of requests.filter((each) => each.section === section)) {
      if (namesExecution(command) && executionId !== null) await settled(executionId)
      const expected = shown(command.output.map((line) => line.replace(PLACEHOLDER, executionId ?? '')))
      for (let run = 0; run < command.times; run++) {
        let response = await send(command, executionId)
        let body = await response.text()
        // the executions list follows the objects through the index queue, a moment behind (README, HTTP API)
        if (LIST.test(text(command)) && command.times === 1 && expected.body !== undefined) {
          const shownBody = expected.body
          // polled until it holds (the assertion below says what differs if it never does)
          await vi
            .waitUntil(
              async () => {
                if (holds(JSON.parse(body), shownBody)) return true
                response = await send(command, executionId)
                body = await response.text()
                return false
              },
              { timeout: 5_000, interval: 50 },
            )
            .catch(() => undefined)
        }
        const status = expected.statuses[command.times === 1 ? 0 : run]
        const what = `${text(command).replace(PLACEHOLDER, executionId ?? '')} → ${response.status} ${body.slice(0, 300)}`
        if (status === undefined) expect(response.status, what).toBeLessThan(400)
        else expect(response.status, what).toBe(status)
        if (command.times === 1 && expected.body !== undefined)
          expect(holds(JSON.parse(body), expected.body), `${what}\nshown: ${JSON.stringify(expected.body)}`).toBe(true)
        executionId = response.headers.get('x-execution-id') ?? executionId
      }
    }
  })
})
