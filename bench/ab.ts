/**
 * Two builds side by side in one run, for the rows a change of the engine's pace moves: `node
 * bench/ab.ts <other checkout> [rounds] [sync]` starts `wrangler dev` for the other checkout's product
 * (A, e.g. /work/main) and this one's (B), then runs, per round and alternating A and B, the
 * sync 10-task flow (its p50, its throughput at c=16, the storage an execution is billed, a new object's
 * schema; alone with `sync`), the 1,000-task flow, the read of another execution while a 2,000-task flow runs, and the foreach over
 * 10,000 items; prints each row's median over the rounds and B / A. Read the ratios: the machine's
 * load moves both builds alike.
 */
import * as scenario from './scenarios.ts'
import { startBuilds } from './builds.ts'

const rounds = Number(process.argv[3] ?? 3)
/** `sync`: the sync rows alone (a change of the start's path), else every row. */
const only = process.argv[4] ?? 'all'
const { builds, close } = await startBuilds(process.argv[2] ?? '')
try {
  const rows: Record<string, Record<string, number[]>> = {}
  const add = (build: string, row: string, value: number) => {
    ;((rows[row] ??= {})[build] ??= []).push(value)
  }
  // a row that fails (a poll past its limit on a loaded machine) is left out of that round, and said
  const attempt = async (build: string, row: string, measure: () => Promise<void>) => {
    try {
      await measure()
    } catch (error) {
      console.log(`${build} ${row}: ${String(error)}`)
    }
  }
  for (let round = 1; round <= rounds; round++) {
    for (const { name, ctx } of builds) {
      await attempt(name, 'sync', async () => {
        const sync = await scenario.syncRows(ctx)
        add(name, 'sync 10-task p50 ms, c=1', sync.p50)
        add(name, 'sync 10-task exec/s, c=16', sync.perSecond)
        add(name, 'workerd CPU ms per sync execution, c=16', sync.cpuMs)
        add(name, 'billed bytes per sync execution', sync.billed)
        add(name, 'new object schema ms (p50 over empty)', sync.schemaMs)
      })
      if (only === 'sync') continue
      await attempt(name, 'thousand', async () =>
        add(name, 'ms/task, 1,000-task flow', (await scenario.longFlowRow({ ...ctx, scale: 0.4 })).value),
      )
      await attempt(name, 'neighbour', async () => {
        const neighbour = await scenario.neighbourRow({ ...ctx, scale: 0.3 })
        add(name, 'neighbour read, × its usual p50', Number(/([\d.]+)× the usual/.exec(neighbour.note ?? '')?.[1]))
        add(name, 'neighbour read p50 ms', neighbour.value)
      })
      await attempt(name, 'foreach', async () =>
        add(name, 'foreach 10,000 items c=10, ms', (await scenario.foreachRow(ctx)).value),
      )
      console.log(`round ${round} of ${rounds} done`)
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
  console.log(`${builds.map((build) => `${build.name} = ${build.root}`).join(', ')}, medians of ${rounds} rounds`)
  for (const [row, byBuild] of Object.entries(rows)) {
    const [a, b] = [median(byBuild.A ?? []), median(byBuild.B ?? [])]
    console.log(
      `${row.padEnd(34)} A ${a.toFixed(2).padStart(9)}  B ${b.toFixed(2).padStart(9)}  B/A ${(b / a).toFixed(2)}  ` +
        `(A ${JSON.stringify(byBuild.A?.map((v) => +v.toFixed(2)))}, B ${JSON.stringify(byBuild.B?.map((v) => +v.toFixed(2)))})`,
    )
  }
} finally {
  await close()
}
