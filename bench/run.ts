/**
 * `npm run bench`: starts edgeflow and the references (a bare Worker and Cloudflare Workflows) under
 * `wrangler dev` on free 127.0.0.1 ports, drives them with bounded load, and prints one table
 * (also saved as JSON in bench/results/). `BENCH_SCALE=0.2 npm run bench` runs a smaller round;
 * `BENCH_ROUNDS=3` runs the headline rows (latency, throughput, profile) three times and reports
 * each row's median round. Last, the bundle and its cold start (bench/cold-start.ts): fresh `wrangler
 * dev`s of wrangler.toml and of a bare Worker, alternated, `BENCH_COLD_ROUNDS` (3) of each.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { coldStartRows } from './cold-start.ts'
import { indexRows } from './index-visibility.ts'
import { machine, medianRows, save, table, targets, targetTable } from './report.ts'
import { countedRoundTrips, roundTripTable } from './round-trips.ts'
import * as scenario from './scenarios.ts'
import { applyMigrations, ROOT, startDev } from './stack.ts'
import { startTarget } from './target.ts'

const scale = Number(process.env.BENCH_SCALE ?? 1)
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1))
const coldRounds = Math.max(1, Number(process.env.BENCH_COLD_ROUNDS ?? 3))
/** `BENCH_ONLY=headline`: the headline rows alone (latency, throughput, profile), printed, not saved. */
const headlineOnly = process.env.BENCH_ONLY === 'headline'
const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-bench-'))
const productState = path.join(state, 'product')
const referenceState = path.join(state, 'reference')
const productConfig = path.join(ROOT, 'bench', 'product.wrangler.toml')

console.log(`edgeflow benchmarks on ${machine()}, scale ${scale}, ${rounds} round(s)`)
const target = await startTarget()
applyMigrations(productConfig, productState)
const [productStart, referenceStart] = await Promise.allSettled([
  startDev(productConfig, productState, '/api/flows'),
  startDev(path.join(ROOT, 'bench', 'reference', 'wrangler.toml'), referenceState, '/nothing'),
])
if (productStart.status === 'rejected' || referenceStart.status === 'rejected') {
  // wrangler dev runs detached: one that started must not outlive the other's failure
  await Promise.all(
    [productStart, referenceStart].flatMap((start) => (start.status === 'fulfilled' ? [start.value.stop()] : [])),
  )
  await target.close()
  rmSync(state, { recursive: true, force: true })
  throw [productStart, referenceStart].flatMap((start) => (start.status === 'rejected' ? [start.reason] : []))[0]
}
const [product, reference] = [productStart.value, referenceStart.value]
const stop = async () => {
  await Promise.all([product.stop(), reference.stop(), target.close()])
  rmSync(state, { recursive: true, force: true })
}
process.on('SIGINT', () => void stop().then(() => process.exit(130)))

try {
  const ctx: scenario.Context = {
    edgeflow: product.url,
    reference: reference.url,
    target: target.url,
    productPid: product.process.pid as number,
    referencePid: reference.process.pid as number,
    productState,
    referenceState,
    scale,
  }
  await scenario.putFlows(ctx)
  const rows: scenario.Row[] = []
  const step = async <T>(name: string, work: () => Promise<T>) => {
    const started = Date.now()
    const result = await work()
    console.log(`  ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return result
  }
  const headline: scenario.Row[][] = []
  const workflowP50s: number[] = []
  for (let round = 1; round <= rounds; round++) {
    const latency = await step(`latency (round ${round})`, () => scenario.latencyRows(ctx))
    workflowP50s.push(latency.workflowP50)
    const throughput = await step(`throughput (round ${round})`, () => scenario.throughputRows(ctx))
    const profile = await step(`profile (round ${round})`, () => scenario.profileRows(ctx))
    headline.push([...latency.rows, ...throughput, ...profile])
  }
  rows.push(...medianRows(headline))
  if (headlineOnly) console.log(`\n${table(rows)}\n\n${targetTable(targets(rows))}\n`)
  else await theRest(rows, workflowP50s, step, ctx)
} finally {
  await stop()
}

/** Every row after the headline ones, then the tables, saved. */
async function theRest(
  rows: scenario.Row[],
  workflowP50s: number[],
  step: <T>(name: string, work: () => Promise<T>) => Promise<T>,
  ctx: scenario.Context,
): Promise<void> {
  const sorted = [...workflowP50s].sort((a, b) => a - b)
  const workflowP50 = sorted[Math.floor(sorted.length / 2)] as number
  rows.push(await step('neighbour', () => scenario.neighbourRow(ctx)))
  rows.push(await step('async', () => scenario.asyncRow(ctx, workflowP50)))
  rows.push(await step('1,000 tasks', () => scenario.longFlowRow(ctx)))
  rows.push(await step('delay', () => scenario.delayRow(ctx)))
  rows.push(await step('retry', () => scenario.retryRow(ctx)))
  rows.push(await step('foreach', () => scenario.foreachRow(ctx)))
  rows.push(...(await step('D1', () => scenario.d1Rows(ctx))))
  rows.push(...(await step('index', () => indexRows(ctx))))
  rows.push(...(await step('storage', () => scenario.storageRow(ctx))))
  const trips = await step('round trips', countedRoundTrips)
  rows.push(...(await step('bundle and cold start', () => coldStartRows(coldRounds))))
  const checked = targets(rows)
  console.log(`\n${table(rows)}\n\n${targetTable(checked)}\n\n${roundTripTable(trips)}\n`)
  console.log(`saved ${save(path.join(ROOT, 'bench', 'results'), rows, checked)}`)
}
