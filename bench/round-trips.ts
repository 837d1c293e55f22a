/**
 * The round trips each path makes before its caller gets the answer — name-derived object lookups,
 * D1 reads, D1 writes — as the product counts them itself (`EDGEFLOW_COUNT_ROUND_TRIPS`, the
 * `x-edgeflow-round-trips` header; src/round-trips.ts), not estimated. Part of `npm run bench`;
 * `node bench/round-trips.ts` runs it alone against a fresh `wrangler dev`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { poll, post, sleep } from './load.ts'
import { applyMigrations, ROOT, startDev } from './stack.ts'

export interface RoundTripRow {
  path: string
  lookups: number
  d1Reads: number
  d1Writes: number
  /** How many answers were read (the figures are the largest seen). */
  samples: number
}

const HEADER = 'x-edgeflow-round-trips'

function countsOf(response: Response): Omit<RoundTripRow, 'path' | 'samples'> {
  const header = response.headers.get(HEADER)
  if (!header) throw new Error(`${response.url} answered ${response.status} without ${HEADER}`)
  const value = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(header)?.[1] ?? NaN)
  return { lookups: value('lookups'), d1Reads: value('d1-reads'), d1Writes: value('d1-writes') }
}

async function checked(response: Promise<Response>): Promise<Response> {
  const answer = await response
  if (answer.status >= 400) throw new Error(`${answer.url}: ${answer.status} ${await answer.text()}`)
  return answer
}

const SYNC = {
  mode: 'sync',
  tasks: [
    ...Array.from({ length: 9 }, (_, index) => ({ id: `s${index}`, type: 'set', values: { [`v${index}`]: index } })),
    { id: 'answer', type: 'return', body: '{{ vars }}' },
  ],
}
const ASYNC = { tasks: SYNC.tasks }
const WAIT = { tasks: [{ id: 'w', type: 'wait', event: 'go', timeout: '1m' }] }
const PARENT = {
  mode: 'sync',
  tasks: [
    { id: 'child', type: 'subflow', flowId: 'rt_async', wait: false },
    { id: 'answer', type: 'return', body: { started: '{{ outputs.child.executionId }}' } },
  ],
}

const put = (base: string, id: string, flow: object) =>
  checked(
    fetch(`${base}/api/flows/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    }),
  )

/** Measures every path once or a few times against edgeflow at `base`. */
async function roundTripRows(base: string): Promise<RoundTripRow[]> {
  const rows: RoundTripRow[] = []
  const measure = async (name: string, answers: (() => Promise<Response>)[]) => {
    const counts = []
    for (const answer of answers) counts.push(countsOf(await checked(answer())))
    rows.push({
      path: name,
      lookups: Math.max(...counts.map((each) => each.lookups)),
      d1Reads: Math.max(...counts.map((each) => each.d1Reads)),
      d1Writes: Math.max(...counts.map((each) => each.d1Writes)),
      samples: counts.length,
    })
  }
  const times = (n: number, answer: () => Promise<Response>) => Array.from({ length: n }, () => answer)
  for (const [id, flow] of Object.entries({ rt_sync: SYNC, rt_async: ASYNC, rt_wait: WAIT, rt_parent: PARENT }))
    await put(base, id, flow)
  // warm: the isolate that served the PUT remembers the flow
  await measure(
    'sync webhook, 10 tasks, warm isolate',
    times(5, () => post(`${base}/hooks/rt_sync`, {})),
  )
  await sleep(5_200)
  await measure(
    'sync webhook, warm isolate, flow cache entry past its 5 s TTL',
    times(1, () => post(`${base}/hooks/rt_sync`, {})),
  )
  // cold: a flow this isolate never saw (written as another isolate's PUT would)
  let cold = 0
  await measure(
    'sync webhook, cold isolate (flow not in its cache)',
    times(3, async () => {
      const id = `rt_cold_${Date.now()}_${cold++}`
      await checked(post(`${base}/__bench/flows/${id}`, SYNC))
      return post(`${base}/hooks/${id}`, {})
    }),
  )
  const written = await put(base, 'rt_sync', { ...SYNC, description: 'changed' })
  const bookmark = written.headers.get('x-d1-bookmark') ?? ''
  await measure(
    'sync webhook right after a PUT, with its x-d1-bookmark (read-your-writes)',
    times(1, () => post(`${base}/hooks/rt_sync`, {}, { 'x-d1-bookmark': bookmark })),
  )
  await measure(
    'async trigger (202)',
    times(3, () => post(`${base}/hooks/rt_async`, {})),
  )
  const started = await checked(post(`${base}/hooks/rt_async`, {}))
  const executionId = started.headers.get('x-execution-id') as string
  await measure(
    'status poll (GET /api/executions/:id)',
    times(3, () => fetch(`${base}/api/executions/${executionId}`)),
  )
  await measure(
    'executions list (GET /api/executions)',
    times(3, () => fetch(`${base}/api/executions?flowId=rt_async&limit=20`)),
  )
  const waiter = (await checked(post(`${base}/hooks/rt_wait`, {}))).headers.get('x-execution-id') as string
  await poll(`${base}/api/executions/${waiter}`, (detail: { status: string }) => detail.status === 'waiting', 20)
  await measure(
    'event delivery (POST /api/executions/:id/events/:name)',
    times(1, () => post(`${base}/api/executions/${waiter}/events/go`, {})),
  )
  await measure(
    'subflow start (a sync parent starting a child, then answering)',
    times(3, () => post(`${base}/hooks/rt_parent`, {})),
  )
  const key = `rt-${Date.now()}`
  await measure(
    'Idempotency-Key trigger (sync), first and repeated',
    times(2, () => post(`${base}/hooks/rt_sync`, {}, { 'idempotency-key': key })),
  )
  return rows
}

export function roundTripTable(rows: RoundTripRow[]): string {
  const header = ['path, before the answer', 'lookups', 'D1 reads', 'D1 writes', 'answers read']
  const lines = rows.map((row) => [
    row.path,
    String(row.lookups),
    String(row.d1Reads),
    String(row.d1Writes),
    String(row.samples),
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)))
  const format = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n')
}

/**
 * The table, from a product of its own that counts (`EDGEFLOW_COUNT_ROUND_TRIPS`): the counting
 * wraps every binding in proxies, which the product the other rows time does not carry.
 */
export async function countedRoundTrips(): Promise<RoundTripRow[]> {
  const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-round-trips-'))
  const config = path.join(ROOT, 'bench', 'product.wrangler.toml')
  applyMigrations(config, state)
  const product = await startDev(config, state, '/api/flows', { vars: { EDGEFLOW_COUNT_ROUND_TRIPS: 'true' } })
  try {
    return await roundTripRows(product.url)
  } finally {
    await product.stop()
    rmSync(state, { recursive: true, force: true })
  }
}

if (import.meta.main) console.log(roundTripTable(await countedRoundTrips()))
