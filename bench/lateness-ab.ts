/**
 * The delay row alone, two builds side by side: `npx node bench/lateness-ab.ts <other checkout>
 * [rounds]` starts `wrangler dev` for the other checkout's product (A) and this one's (B), then per
 * round, alternating, runs the 1 s delay flow 40 times, 4 at once (the bench's delay row without
 * Workflows), and prints each round's p50 and p95 of lateness and their medians.
 */
import * as scenario from './scenarios.ts'
import { startBuilds } from './builds.ts'

const rounds = Number(process.argv[3] ?? 5)
const { builds, close } = await startBuilds(process.argv[2] ?? '')
try {
  const figures: Record<string, { p50: number[]; p95: number[] }> = { A: { p50: [], p95: [] }, B: { p50: [], p95: [] } }
  for (let round = 1; round <= rounds; round++)
    for (const { name, ctx } of builds) {
      const late = await scenario.napLateness(ctx)
      figures[name]!.p50.push(late.p50)
      figures[name]!.p95.push(late.p95)
      console.log(`round ${round} ${name}: p50 ${late.p50} p95 ${late.p95} p99 ${late.p99}`)
    }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  for (const name of ['A', 'B'])
    console.log(
      `${name}: p50 median ${median(figures[name]!.p50)}, p95 median ${median(figures[name]!.p95)} (${figures[name]!.p95.join(', ')})`,
    )
} finally {
  await close()
}
