/**
 * What gathering a trigger costs (docs/flows.md, Debounce and batching): the latency of a webhook
 * trigger answered 202 by a plain async flow (its execution created) against one a debounce gathers
 * (one RPC to the key's gatherer and one SQLite write), on `wrangler dev` at 127.0.0.1 with its own
 * state, `GATHER_TRIGGERS` triggers (default 300) at `GATHER_CONCURRENCY` (default 8) each, the
 * three kinds interleaved round by round. Run with `node bench/gather.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run, stats } from './load.ts'
import { applyMigrations, ROOT, startDev } from './stack.ts'

const TRIGGERS = Number(process.env.GATHER_TRIGGERS ?? 300)
const CONCURRENCY = Number(process.env.GATHER_CONCURRENCY ?? 8)
const CONFIG = path.join(ROOT, 'wrangler.toml')
const log = [{ id: 'seen', type: 'log', message: 'seen' }]
const FLOWS: Record<string, object> = {
  bench_plain: { tasks: log },
  bench_debounce_one_key: { debounce: { period: '1h' }, tasks: log },
  bench_debounce_keys: { debounce: { period: '1h', key: '{{ input.body.n }}' }, tasks: log },
}

const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-gather-'))
applyMigrations(CONFIG, state)
const dev = await startDev(CONFIG, state, '/api/flows', { vars: { ALLOW_ANONYMOUS_API: 'true' } })
try {
  for (const [id, flow] of Object.entries(FLOWS)) {
    const response = await fetch(`${dev.url}/api/flows/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    })
    if (!response.ok) throw new Error(`PUT ${id}: ${response.status} ${await response.text()}`)
  }
  const latencies: Record<string, number[]> = Object.fromEntries(Object.keys(FLOWS).map((id) => [id, []]))
  const ids = Object.keys(FLOWS)
  // warm up every route and object class once
  for (const id of ids) await fetch(`${dev.url}/hooks/${id}`, { method: 'POST', body: '{"n":-1}' })
  await run(TRIGGERS * ids.length, CONCURRENCY, 600_000, async (index) => {
    const id = ids[index % ids.length] as string
    const started = performance.now()
    const response = await fetch(`${dev.url}/hooks/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: index }),
    })
    await response.arrayBuffer()
    if (response.status !== 202) throw new Error(`${id}: ${response.status}`)
    latencies[id]?.push(performance.now() - started)
  })
  for (const id of ids) {
    const { p50, p99 } = stats(latencies[id] ?? [])
    console.log(
      `${id.padEnd(24)} ${TRIGGERS} triggers at c=${CONCURRENCY}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    )
  }
} finally {
  await dev.stop()
  rmSync(state, { recursive: true, force: true })
}
