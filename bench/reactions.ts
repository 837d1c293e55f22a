/**
 * What matching ended executions against the flows that react to them adds to each index batch
 * (README, Flows that react to executions): the CPU of `reactionsTo` for a batch of 100 final
 * summaries against W watching flows, none of which matches (the common case: a match costs a start,
 * which is the reaction itself). Run with `node bench/reactions.ts`; the D1 read of the watching
 * flows is not here: cached per isolate, it happens once per 5 s at most, whatever the traffic.
 */
import { type Ended, reactionsTo, type Watcher } from '../src/flow/reactions.ts'

const BATCH = 100
const ROUNDS = 2_000

const summaries: Ended[] = Array.from({ length: BATCH }, (_, n) => ({
  id: `e${n}`,
  flowId: `flow${n % 10}`,
  status: n % 3 === 0 ? 'failed' : 'completed',
  labels: { customer: String(n), tier: n % 2 ? 'gold' : 'free' },
  reactionDepth: 0,
}))

const watchers = (count: number): Watcher[] =>
  Array.from({ length: count }, (_, n) => ({
    flowId: `watcher${n}`,
    revision: 1,
    definition: { mode: 'async', tasks: [] } as unknown as Watcher['definition'],
    // watches a flow none of the batch belongs to, with a label filter: every check runs to the flow id
    triggers: [{ type: 'execution', flowId: `other${n}`, statuses: ['failed', 'killed'], labels: { tier: 'gold' } }],
  }))

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

for (const count of [0, 1, 10, 100, 1_000]) {
  const set = watchers(count)
  const times: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now()
    const starts = reactionsTo(summaries, set)
    times.push(performance.now() - started)
    if (starts.length !== 0) throw new Error('nothing should match')
  }
  console.log(
    `${String(count).padStart(5)} watching flows: ${median(times).toFixed(4)} ms per batch of ${BATCH} (median of ${ROUNDS})`,
  )
}
