/**
 * The index through its queue: how many D1 write statements an execution costs, amortised, at
 * concurrency 16; how long after its answer a finished execution shows in `GET /api/executions`;
 * and D1's time for 100 summaries batched against 100 written one by one. Part of `npm run bench`;
 * `npm run bench:index` runs it alone (`BENCH_INDEX_EXECUTIONS`, default 400; `BENCH_ROUNDS`, default 1).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { json, post, run, sleep, stats } from './load.ts'
import { type Context, FLOWS, type Row } from './scenarios.ts'
import { applyMigrations, ROOT, startDev } from './stack.ts'

const FLOW = 'ten_listed'
const CONCURRENCY = 16
/** How often the list is polled: a visibility figure is late by up to this much. */
const POLL_MS = 50

interface Counts {
  reads: number
  writes: number
  batches: number
  messages: number
}

/** Triggers `n` sync 10-task executions at c=16 and polls the list until each is listed completed. */
async function visibility(edgeflow: string, n: number) {
  await fetch(`${edgeflow}/__bench/d1`, { method: 'DELETE' })
  /** When each trigger was sent (epoch ms), answered and first listed (performance.now()). */
  const sentAt = new Map<number, number>()
  const indexOf = new Map<number, string>()
  const answeredAt = new Map<string, number>()
  const seenAt = new Map<string, number>()
  let triggering = true
  // lists what was created since the oldest trigger whose execution is not listed yet, page by page
  const listUnseen = async () => {
    const unseen = [...sentAt.values()]
    if (unseen.length === 0) return
    const since = new Date(Math.min(...unseen) - 1_000).toISOString()
    let cursor: string | null = null
    for (let pages = 0; pages < 10; pages += 1) {
      const page: { items: { id: string }[]; nextCursor: string | null } = await json(
        `${edgeflow}/api/executions?flowId=${FLOW}&status=completed&limit=100&since=${since}` +
          (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''),
      )
      const now = performance.now()
      for (const { id } of page.items) if (!seenAt.has(id)) seenAt.set(id, now)
      cursor = page.nextCursor
      if (!cursor) return
    }
  }
  const poller = (async () => {
    const started = performance.now()
    const unseen = () => [...answeredAt.keys()].some((id) => !seenAt.has(id))
    while (triggering || unseen()) {
      await listUnseen()
      for (const [index, id] of indexOf) if (seenAt.has(id)) sentAt.delete(index)
      if (performance.now() - started > 120_000) break
      await sleep(POLL_MS)
    }
  })()
  const load = await run(n, CONCURRENCY, 120_000, async (index) => {
    sentAt.set(index, Date.now())
    const response = await post(`${edgeflow}/hooks/${FLOW}`, { n: index })
    await response.arrayBuffer()
    const id = response.headers.get('x-execution-id') as string
    answeredAt.set(id, performance.now())
    indexOf.set(index, id)
  })
  triggering = false
  await poller
  // what the consumer writes after the last one is listed still counts
  await sleep(1_500)
  const counted = await json<Counts>(`${edgeflow}/__bench/d1`, { method: 'DELETE' })
  // an execution listed before its answer came back (the poll raced the response) counts as 0 ms
  const lags = [...answeredAt].map(([id, at]) => Math.max(0, (seenAt.get(id) ?? Number.NaN) - at))
  return { load, lags: lags.filter((lag) => !Number.isNaN(lag)), missing: lags.filter(Number.isNaN).length, counted }
}

/** D1's time (ms) for 100 summaries in one statement and one statement each, median of `rounds`. */
async function batchTimes(edgeflow: string, rounds: number) {
  const times = []
  for (let round = 0; round < rounds; round += 1) {
    times.push(await json<{ batchedMs: number; singleMs: number }>(`${edgeflow}/__bench/index-write`))
  }
  return {
    batchedMs: stats(times.map((each) => each.batchedMs)).p50,
    singleMs: stats(times.map((each) => each.singleMs)).p50,
  }
}

export async function indexRows(ctx: Context, n = Math.round(400 * ctx.scale)): Promise<Row[]> {
  await fetch(`${ctx.edgeflow}/api/flows/${FLOW}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(FLOWS.ten),
  })
  const { load, lags, missing, counted } = await visibility(ctx.edgeflow, n)
  const { batchedMs, singleMs } = await batchTimes(ctx.edgeflow, 5)
  const lag = stats(lags)
  return [
    {
      id: 'index.writes',
      scenario: `D1 write statements per sync 10-task execution, index through the queue, c=${CONCURRENCY}`,
      value: counted.writes / n,
      unit: 'writes',
      note:
        `${counted.writes} statements for ${n} executions at ${load.perSecond.toFixed(0)}/s: ${counted.batches} batches ` +
        `of ${(counted.messages / Math.max(1, counted.batches)).toFixed(1)} messages on average; ` +
        `${(counted.reads / n).toFixed(2)} reads per execution`,
    },
    {
      id: 'index.visible',
      scenario: `finished execution listed by GET /api/executions, after its answer, c=${CONCURRENCY}`,
      value: lag.p95,
      unit: 'ms p95',
      latency: lag,
      note: `list polled every ${POLL_MS} ms; ${missing} of ${n} never listed`,
    },
    {
      id: 'index.batch100',
      scenario: 'D1 time for 100 summaries: one batched statement vs 100 statements (local, median of 5)',
      value: batchedMs,
      unit: 'ms',
      note: `100 single upserts took ${singleMs.toFixed(1)} ms: ${(singleMs / Math.max(batchedMs, 0.001)).toFixed(1)}× the batch`,
    },
  ]
}

if (import.meta.main) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1)
  const n = Number(process.env.BENCH_INDEX_EXECUTIONS ?? 400)
  const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-bench-index-'))
  const config = path.join(ROOT, 'bench', 'product.wrangler.toml')
  applyMigrations(config, state)
  const product = await startDev(config, state, '/api/flows')
  try {
    const ctx = { edgeflow: product.url, scale: 1 } as Context
    for (let round = 1; round <= rounds; round += 1) {
      console.log(`round ${round}`)
      for (const row of await indexRows(ctx, n)) {
        const latency = row.latency ? ` (p50 ${row.latency.p50.toFixed(0)}, p99 ${row.latency.p99.toFixed(0)})` : ''
        console.log(`  ${row.id}: ${row.value.toFixed(3)} ${row.unit}${latency} — ${row.note ?? ''}`)
      }
    }
  } finally {
    await product.stop()
    rmSync(state, { recursive: true, force: true })
  }
}
