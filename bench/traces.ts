/**
 * What traces cost (README, Traces): three edgeflows under `wrangler dev` at once — one exporting to
 * a local OTLP receiver on 127.0.0.1 (this script: it decodes the POSTs to /v1/traces with
 * OpenTelemetry's own schema, otlp-decode.ts, and counts them and the spans in them), one not, and a
 * second one not (the control, whose ratio to the first is the noise) — take the same sync 10-task
 * flow at concurrency 16 in turn, in an order that turns each round, each load after the queue
 * work of the one before settled (the receiver only counts and keeps the exports meanwhile, and
 * decodes them after the rounds). It prints the sync latency of each, the ratios of the p50s, and
 * the export requests and spans per execution once every execution's trace arrived. `npm run bench:traces` (`BENCH_TRACE_EXECUTIONS`, default 400 per round;
 * `BENCH_ROUNDS`, default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { post, run, sleep, stats } from './load.ts'
import { FLOWS } from './scenarios.ts'
import { applyMigrations, ROOT, startDev } from './stack.ts'
import { decodeTraces } from './otlp-decode.ts'
import { attr } from '../test/helpers/decoded-trace.ts'

const FLOW = 'ten_traced'
const CONCURRENCY = 16

/**
 * The receiver: every POST counted and kept as it came; decoded with OpenTelemetry's own schema
 * (the spans it carried, the executions they name) only by `decode`, after the latency rounds —
 * decoding took this process's CPU, which also times the answers, and the cores the executions run
 * on, a cost no production collector puts there.
 */
async function startReceiver() {
  const seen = {
    posts: 0,
    spans: 0,
    spanIds: new Set<string>(),
    executions: new Set<string>(),
    problems: [] as string[],
    lastPostAt: 0,
  }
  const bodies: string[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        seen.posts += 1
        seen.lastPostAt = performance.now()
        bodies.push(Buffer.concat(chunks).toString())
      }
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{}')
    })
  })
  const decode = () => {
    for (const body of bodies.splice(0)) {
      const { request: decoded, problems } = decodeTraces(body)
      seen.problems.push(...problems)
      for (const resource of decoded.resourceSpans)
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans) {
            seen.spans += 1
            seen.spanIds.add(span.spanId)
            const id = attr(span, 'edgeflow.execution.id')
            if (typeof id === 'string') seen.executions.add(id)
          }
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    decode,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/**
 * Waits until the queue work of the load before is done: `quietMs` without an export since the load
 * ended — 6 s, as the trace queue's batches wait up to 5 s (the index queue's 0.5 s). So that no load
 * pays for the one before: the export-on round's consumer used to post its batches while the next
 * export-off round ran. The same wait after every load, so that none starts on a quieter machine.
 */
async function settle(receiver: { seen: { lastPostAt: number } }) {
  const quietMs = 6_000
  const ended = performance.now()
  const quiet = () => performance.now() - Math.max(ended, receiver.seen.lastPostAt)
  while (quiet() < quietMs && performance.now() - ended < 60_000) await sleep(200)
}

/** `n` sync executions at c=16: their ids and the latency of their answers. */
async function load(edgeflow: string, n: number) {
  const ids: string[] = []
  const result = await run(n, CONCURRENCY, 120_000, async (index) => {
    const response = await post(`${edgeflow}/hooks/${FLOW}`, { n: index })
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`trigger answered ${response.status}`)
    ids.push(response.headers.get('x-execution-id') as string)
  })
  return { ids, latency: result.latencies, perSecond: result.perSecond }
}

const format = (label: string, latency: ReturnType<typeof stats>, perSecond: number) =>
  `${label}: p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, ${perSecond.toFixed(0)}/s`

/** The ratios' median and range, as printed. */
const spread = (ratios: number[]) =>
  `median ${stats(ratios).p50.toFixed(2)}, ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)} ` +
  `(${ratios.map((ratio) => ratio.toFixed(2)).join(', ')})`

if (import.meta.main) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const n = Number(process.env.BENCH_TRACE_EXECUTIONS ?? 400)
  const receiver = await startReceiver()
  const config = path.join(ROOT, 'bench', 'product.wrangler.toml')
  const states = [0, 1, 2].map(() => mkdtempSync(path.join(tmpdir(), 'edgeflow-bench-traces-')))
  for (const state of states) applyMigrations(config, state)
  const [offState = '', onState = '', controlState = ''] = states
  // export off twice: the second (the control) measures the noise — its ratio to the first is what
  // "within noise" compares the export's ratio with, measured in the same run on the same machine
  const stacks = {
    off: await startDev(config, offState, '/api/flows'),
    on: await startDev(config, onState, '/api/flows', { vars: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
    control: await startDev(config, controlState, '/api/flows'),
  }
  const labels = { off: 'export off', on: 'export on ', control: 'export off, control' }
  try {
    for (const stack of Object.values(stacks)) {
      await fetch(`${stack.url}/api/flows/${FLOW}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(FLOWS.ten),
      })
      // warm-up: the isolate, the flow cache, the first objects
      await load(stack.url, 32)
    }
    await settle(receiver)
    receiver.decode()
    const before = { posts: receiver.seen.posts, spans: receiver.seen.spans }
    const traced: string[] = []
    const p50s = { off: [] as number[], on: [] as number[], control: [] as number[] }
    const order = ['off', 'on', 'control'] as const
    for (let round = 1; round <= rounds; round += 1) {
      console.log(`round ${round}`)
      // the order turns each round, so that none is always first, or always after the export's
      for (const which of [...order.slice((round - 1) % 3), ...order.slice(0, (round - 1) % 3)]) {
        const measured = await load(stacks[which].url, n)
        await settle(receiver)
        if (which === 'on') traced.push(...measured.ids)
        p50s[which].push(measured.latency.p50)
        console.log(`  ${format(labels[which], measured.latency, measured.perSecond)}`)
      }
      const last = (values: number[]) => values.at(-1) ?? Number.NaN
      console.log(
        `  p50 on / off: ${(last(p50s.on) / last(p50s.off)).toFixed(2)}; control / off: ${(last(p50s.control) / last(p50s.off)).toFixed(2)}`,
      )
    }
    const median = (values: number[]) => stats(values).p50.toFixed(1)
    console.log(
      `median of the rounds' p50: export off ${median(p50s.off)} ms, export on ${median(p50s.on)} ms, control ${median(p50s.control)} ms`,
    )
    // the machine may be shared: each round's loads ran back to back, so their ratios are the fairer figures
    const ratio = (of: number[]) => of.map((value, index) => value / (p50s.off[index] ?? value))
    console.log(`p50 ratio on / off over the rounds: ${spread(ratio(p50s.on))}`)
    console.log(`p50 ratio control / off (the noise): ${spread(ratio(p50s.control))}`)
    const started = performance.now()
    receiver.decode()
    while (traced.some((id) => !receiver.seen.executions.has(id)) && performance.now() - started < 90_000) {
      await sleep(200)
      receiver.decode()
    }
    const missing = traced.filter((id) => !receiver.seen.executions.has(id)).length
    const posts = receiver.seen.posts - before.posts
    const spans = receiver.seen.spans - before.spans
    console.log(
      `export: ${posts} requests for ${traced.length} executions = ${(posts / traced.length).toFixed(3)} per execution; ` +
        `${(spans / traced.length).toFixed(1)} spans per execution; ${missing} traces missing after 90 s; ` +
        `${receiver.seen.spans - receiver.seen.spanIds.size} spans received more than once`,
    )
    console.log(`decoded with opentelemetry-proto: ${receiver.seen.problems.length} problems`)
    for (const problem of receiver.seen.problems.slice(0, 5)) console.log(`  ${problem}`)
  } finally {
    for (const stack of Object.values(stacks)) await stack.stop()
    await receiver.close()
    for (const state of states) rmSync(state, { recursive: true, force: true })
  }
}
