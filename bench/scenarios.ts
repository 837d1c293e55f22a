/** The benchmark rows: what is sent, how it is timed, what is checked. */
import { json, poll, post, run, sleep, stats, type Stats } from './load.ts'
import { filesUnder, workerdCpuMs, workerdRss } from './stack.ts'
import { PROFILE_STEPS, type ProfileStep, type StorageSize } from './shared.ts'

export interface Row {
  id: string
  scenario: string
  /** The headline figure and its unit. */
  value: number
  unit: string
  latency?: Stats
  /** The same measure for the references, when there is one. */
  bare?: number
  workflows?: number
  note?: string
}

export interface Context {
  edgeflow: string
  reference: string
  target: string
  productPid: number
  /** The reference's `wrangler dev` (0: not started). */
  referencePid: number
  productState: string
  referenceState: string
  scale: number
}

const set = (index: number) => ({
  id: `s${index}`,
  type: 'set',
  values: { n: `{{ $exists(vars.n) ? vars.n + ${index} : input.body.n }}`, step: `step${index}` },
})

export const FLOWS = {
  one: { mode: 'sync', tasks: [{ id: 'answer', type: 'return', body: { n: '{{ input.body.n }}' } }] },
  ten: {
    mode: 'sync',
    tasks: [
      ...Array.from({ length: 9 }, (_, index) => set(index)),
      { id: 'answer', type: 'return', body: '{{ vars }}' },
    ],
  },
  ten_async: {
    tasks: [
      ...Array.from({ length: 9 }, (_, index) => set(index)),
      { id: 'answer', type: 'return', body: '{{ vars }}' },
    ],
  },
  twothousand: {
    tasks: Array.from({ length: 2000 }, (_, index) => ({ id: `t${index}`, type: 'set', values: { i: index } })),
  },
  thousand: {
    tasks: Array.from({ length: 1000 }, (_, index) => ({ id: `t${index}`, type: 'set', values: { i: index } })),
  },
  nap: { tasks: [{ id: 'nap', type: 'delay', duration: '1s' }] },
  each: {
    tasks: [
      {
        id: 'each',
        type: 'foreach',
        items: '[1..10000]',
        concurrency: 10,
        tasks: [{ id: 'square', type: 'set', values: { last: '{{ item * item }}' } }],
      },
    ],
  },
}

export function flaky(target: string) {
  return {
    tasks: [
      {
        id: 'flaky',
        type: 'http',
        url: `${target}/flaky?key={{ execution.id }}&fail=2`,
        retry: { maxAttempts: 3, backoff: 'constant', delay: '200ms' },
      },
    ],
  }
}

export async function putFlows(ctx: Context): Promise<void> {
  for (const [id, flow] of Object.entries({ ...FLOWS, flaky: flaky(ctx.target) })) {
    const response = await fetch(`${ctx.edgeflow}/api/flows/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    })
    if (response.status >= 300) throw new Error(`PUT ${id}: ${await response.text()}`)
  }
}

const bare = (ctx: Context) => async (index: number) => {
  const response = await post(`${ctx.reference}/bare`, { n: index })
  await response.json()
}

/** One new empty Durable Object per request, in the references' bundle or in edgeflow's. */
const newObject = (base: string) => async () => {
  const response = await fetch(base)
  await response.arrayBuffer()
}

/** The durable floor: a new object per request that creates a table, inserts a row and sets an alarm. */
const floor = (ctx: Context) => async (index: number) => {
  const response = await post(`${ctx.reference}/floor`, { n: index })
  if (response.status !== 200) throw new Error(`floor: ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

const hook = (ctx: Context, flow: string) => async (index: number) => {
  const response = await post(`${ctx.edgeflow}/hooks/${flow}`, { n: index })
  if (response.status !== 200) throw new Error(`${flow}: ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
  return response.headers.get('x-execution-id') as string
}

/** Creates a workflow and polls it every 5 ms until complete: create-to-complete. */
const workflow =
  (ctx: Context, kind: 'workflow' | 'sleep', params: (index: number) => unknown, intervalMs = 5) =>
  async (index: number) => {
    const { id } = await json<{ id: string }>(`${ctx.reference}/${kind}`, {
      method: 'POST',
      body: JSON.stringify(params(index)),
    })
    const done = await poll<{ status: string; output: unknown }>(
      `${ctx.reference}/${kind}/${id}`,
      (status) => status.status === 'complete' || status.status === 'errored',
      intervalMs,
    )
    if (done.status !== 'complete') throw new Error(`workflow ${id} ${done.status}`)
    return done.output
  }

/** Async trigger, then poll every 5 ms (by default) until final: the way the Workflows reference is timed. */
const asyncToCompleted =
  (ctx: Context, flow: string, intervalMs = 5) =>
  async (index: number) => {
    const accepted = await json<{ executionId: string }>(`${ctx.edgeflow}/hooks/${flow}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: index }),
    })
    return poll<any>(
      `${ctx.edgeflow}/api/executions/${accepted.executionId}`,
      (detail) => ['completed', 'warning', 'failed', 'killed'].includes(detail.status),
      intervalMs,
    )
  }

/** Counts the executions of a flow that D1 lists as completed (paging through all of them). */
/**
 * A run and the CPU its workerd spent on each of its requests, what they left to do after their
 * answers (the index queue's batches) included.
 */
async function withCpu<T extends { results: unknown[] }>(pid: number, work: () => Promise<T>) {
  const before = workerdCpuMs(pid)
  const result = await work()
  return { ...result, cpuMs: ((await quietCpuMs(pid)) - before) / result.results.length }
}

const cpuNote = (cpuMs: number, each: string) => `workerd CPU ${cpuMs.toFixed(2)} ms per ${each}`

/** workerd's CPU time once it stopped using any (one tick or less in 300 ms), at most 10 s on. */
async function quietCpuMs(pid: number): Promise<number> {
  const started = Date.now()
  let last = workerdCpuMs(pid)
  for (;;) {
    await sleep(300)
    const now = workerdCpuMs(pid)
    if (now - last <= 10 || Date.now() - started > 10_000) return now
    last = now
  }
}

async function completedIn(ctx: Context, flow: string, expected: number): Promise<number> {
  const started = Date.now()
  for (;;) {
    let cursor: string | null = null
    let count = 0
    do {
      const page: { items: unknown[]; nextCursor: string | null } = await json(
        `${ctx.edgeflow}/api/executions?flowId=${flow}&status=completed&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      )
      count += page.items.length
      cursor = page.nextCursor
    } while (cursor)
    if (count >= expected || Date.now() - started > 10_000) return count
    await sleep(200)
  }
}

export async function latencyRows(ctx: Context): Promise<{ rows: Row[]; bareP50: number; workflowP50: number }> {
  const n = Math.round(300 * ctx.scale)
  await run(50, 4, 10_000, bare(ctx))
  await run(50, 4, 10_000, hook(ctx, 'ten'))
  await run(50, 4, 10_000, floor(ctx))
  await run(
    10,
    2,
    10_000,
    workflow(ctx, 'workflow', (index) => ({ n: index })),
  )
  const bareRun = await run(n, 1, 30_000, bare(ctx))
  const workflowRun = await run(
    Math.round(50 * ctx.scale),
    1,
    60_000,
    workflow(ctx, 'workflow', (index) => ({ n: index })),
  )
  const objectRun = await run(n, 1, 30_000, newObject(`${ctx.reference}/object`))
  const ownObjectRun = await run(n, 1, 30_000, newObject(`${ctx.edgeflow}/__bench/object`))
  const floorRun = await run(n, 1, 30_000, floor(ctx))
  const one = await run(n, 1, 30_000, hook(ctx, 'one'))
  const ten = await run(n, 1, 30_000, hook(ctx, 'ten'))
  const bareP50 = bareRun.latencies.p50
  const workflowP50 = workflowRun.latencies.p50
  const rows: Row[] = [
    {
      id: 'bare.latency',
      scenario: 'reference: bare Worker, 10 JSON transforms, c=1',
      value: bareP50,
      unit: 'ms p50',
      latency: bareRun.latencies,
    },
    {
      id: 'workflows.latency',
      scenario: 'reference: Workflows, 10 steps, create→complete (poll 5 ms), c=1',
      value: workflowP50,
      unit: 'ms p50',
      latency: workflowRun.latencies,
    },
    {
      id: 'own-object.latency',
      scenario: "edgeflow's bundle creating one empty Durable Object, c=1",
      value: ownObjectRun.latencies.p50,
      unit: 'ms p50',
      latency: ownObjectRun.latencies,
      bare: bareP50,
    },
    {
      id: 'object.latency',
      scenario: 'reference: bare Worker creating one empty Durable Object, c=1',
      value: objectRun.latencies.p50,
      unit: 'ms p50',
      latency: objectRun.latencies,
      bare: bareP50,
    },
    {
      id: 'floor.latency',
      scenario: 'reference: durable floor (new object: create table, insert row, set alarm), c=1',
      value: floorRun.latencies.p50,
      unit: 'ms p50',
      latency: floorRun.latencies,
      bare: bareP50,
    },
    {
      id: 'sync.1',
      scenario: 'sync webhook, 1-task flow, c=1',
      value: one.latencies.p50,
      unit: 'ms p50',
      latency: one.latencies,
      bare: bareP50,
      workflows: workflowP50,
    },
    {
      id: 'sync.10',
      scenario: 'sync webhook, 10-task flow, c=1',
      value: ten.latencies.p50,
      unit: 'ms p50',
      latency: ten.latencies,
      bare: bareP50,
      workflows: workflowP50,
    },
  ]
  return { rows, bareP50, workflowP50 }
}

export async function throughputRows(ctx: Context): Promise<Row[]> {
  const n = Math.round(2000 * ctx.scale)
  const bareRun = await run(n, 16, 20_000, bare(ctx))
  const workflowRun = await run(
    Math.round(200 * ctx.scale),
    16,
    60_000,
    workflow(ctx, 'workflow', (index) => ({ n: index })),
  )
  const objectRun = await run(n, 16, 20_000, newObject(`${ctx.reference}/object`))
  const ownObjectRun = await run(n, 16, 20_000, newObject(`${ctx.edgeflow}/__bench/object`))
  const floorRun = await withCpu(ctx.referencePid, () => run(n, 16, 20_000, floor(ctx)))
  const rows: Row[] = [
    {
      id: 'bare.throughput',
      scenario: 'reference: bare Worker, c=16',
      value: bareRun.perSecond,
      unit: 'req/s',
      latency: bareRun.latencies,
    },
    {
      id: 'object.throughput',
      scenario: 'reference: bare Worker creating one empty Durable Object, c=16',
      value: objectRun.perSecond,
      unit: 'req/s',
      latency: objectRun.latencies,
      bare: bareRun.perSecond,
    },
    {
      id: 'own-object.throughput',
      scenario: "edgeflow's bundle creating one empty Durable Object, c=16",
      value: ownObjectRun.perSecond,
      unit: 'req/s',
      latency: ownObjectRun.latencies,
      bare: bareRun.perSecond,
    },
    {
      id: 'floor.throughput',
      scenario: 'reference: durable floor, c=16',
      value: floorRun.perSecond,
      unit: 'req/s',
      latency: floorRun.latencies,
      bare: bareRun.perSecond,
      note: cpuNote(floorRun.cpuMs, 'request'),
    },
    {
      id: 'workflows.throughput',
      scenario: 'reference: Workflows, 10 steps to complete, c=16',
      value: workflowRun.perSecond,
      unit: 'exec/s',
      latency: workflowRun.latencies,
    },
  ]
  const before = await completedIn(ctx, 'ten', 0)
  let sent = 0
  for (const concurrency of [16, 64]) {
    const result = await withCpu(ctx.productPid, () => run(n, concurrency, 30_000, hook(ctx, 'ten')))
    sent += result.results.length
    rows.push({
      id: `sync.10.c${concurrency}`,
      scenario: `sync webhook, 10-task flow, c=${concurrency}`,
      value: result.perSecond,
      unit: 'exec/s',
      latency: result.latencies,
      bare: bareRun.perSecond,
      workflows: workflowRun.perSecond,
      note: cpuNote(result.cpuMs, 'execution'),
    })
  }
  const completed = (await completedIn(ctx, 'ten', before + sent)) - before
  for (const row of rows.slice(5))
    row.note = [row.note, `${completed} of ${sent} executions of both runs listed completed in D1`]
      .filter(Boolean)
      .join('; ')
  return rows
}

export async function asyncRow(ctx: Context, workflowP50: number): Promise<Row> {
  await run(10, 1, 10_000, asyncToCompleted(ctx, 'ten_async'))
  const result = await run(Math.round(100 * ctx.scale), 1, 60_000, asyncToCompleted(ctx, 'ten_async'))
  const failed = result.results.filter((detail) => detail.status !== 'completed').length
  return {
    id: 'async.10',
    scenario: 'async trigger + poll every 5 ms to completed, 10 tasks, c=1',
    value: result.latencies.p50,
    unit: 'ms p50',
    latency: result.latencies,
    workflows: workflowP50,
    note: failed ? `${failed} did not complete` : undefined,
  }
}

export async function longFlowRow(ctx: Context): Promise<Row> {
  const perTask: number[] = []
  for (let index = 0; index < Math.max(2, Math.round(5 * ctx.scale)); index++) {
    // engine time is read from recorded times: poll slowly, so that each poll (a read of 500 task
    // runs, which a turn lets in) does not add to the time it measures
    const detail = await asyncToCompleted(ctx, 'thousand', 100)(index)
    perTask.push(detail.durationMs / 1000)
  }
  const latency = stats(perTask)
  return {
    id: 'thousand',
    scenario: '1,000-task flow (set), engine time per task',
    value: latency.p50,
    unit: 'ms/task p50',
    latency,
  }
}

/** Flows (or workflows) of a lateness row at once: each of the pool's workers starts the next when its own ends. */
const LATENESS_AT_ONCE = 4

/** Samples of a lateness row: 40 at full scale, never fewer than 20 (a p95 of fewer is the maximum). */
const latenessSamples = (scale: number) => Math.max(20, Math.round(40 * scale))

/** How late 1 s delays wake: the delay row's samples, 4 at once. */
export async function napLateness(ctx: Context): Promise<Stats> {
  const n = latenessSamples(ctx.scale)
  // lateness is read from recorded times: poll slowly, so that polling does not load the runtime
  const flows = await run(n, LATENESS_AT_ONCE, 120_000, asyncToCompleted(ctx, 'nap', 100))
  return stats(flows.results.map((detail) => detail.taskRuns[0].output.sleptMs - 1000))
}

export async function delayRow(ctx: Context): Promise<Row> {
  const n = latenessSamples(ctx.scale)
  const late = await napLateness(ctx)
  const sleeps = await run(
    n,
    LATENESS_AT_ONCE,
    120_000,
    workflow(ctx, 'sleep', () => ({ ms: 1000 }), 100),
  )
  const workflowLate = stats(sleeps.results.map((output) => (output as { lateMs: number }).lateMs))
  return {
    id: 'delay.lateness',
    scenario: `delay 1 s: wake-up lateness (${late.n} samples, ${LATENESS_AT_ONCE} at once)`,
    value: late.p95,
    unit: 'ms p95',
    latency: late,
    workflows: workflowLate.p95,
    note: `Workflows sleep lateness p50 ${workflowLate.p50.toFixed(1)} ms, p95 ${workflowLate.p95.toFixed(1)} ms`,
  }
}

export async function retryRow(ctx: Context): Promise<Row> {
  // two back-offs a flow: a sample each
  const n = Math.ceil(latenessSamples(ctx.scale) / 2)
  const flows = await run(n, LATENESS_AT_ONCE, 120_000, asyncToCompleted(ctx, 'flaky', 100))
  const late: number[] = []
  for (const detail of flows.results) {
    const attempts = detail.taskRuns[0].attempts
    for (let index = 1; index < attempts.length; index++) {
      late.push(Date.parse(attempts[index].startedAt) - Date.parse(attempts[index - 1].endedAt) - 200)
    }
  }
  const latency = stats(late)
  return {
    id: 'retry.lateness',
    scenario: `retry back-off 2×200 ms: lateness (${latency.n} samples, ${LATENESS_AT_ONCE} at once)`,
    value: latency.p95,
    unit: 'ms p95',
    latency,
  }
}

export async function foreachRow(ctx: Context): Promise<Row> {
  const baseline = workerdRss(ctx.productPid)
  let peak = baseline
  const sampler = setInterval(() => (peak = Math.max(peak, workerdRss(ctx.productPid))), 50)
  const started = performance.now()
  // each poll reads 500 task runs and sums the metrics of all: every 50 ms, so that the row times
  // the engine rather than the reads (a turn lets each one in)
  const detail = await asyncToCompleted(ctx, 'each', 50)(0)
  const elapsed = performance.now() - started
  clearInterval(sampler)
  return {
    id: 'foreach.10k',
    scenario: 'foreach over 10,000 items (concurrency 10), trigger to completed',
    value: elapsed,
    unit: 'ms',
    note: `${detail.status}, ${detail.taskRunCount} task runs; workerd RSS ${(baseline / 2 ** 20).toFixed(0)} MiB before, peak +${((peak - baseline) / 2 ** 20).toFixed(1)} MiB`,
  }
}

/** D1 statements per execution, counted in the Worker and the objects (bench/product.ts). */
export async function d1Rows(ctx: Context): Promise<Row[]> {
  const n = Math.round(100 * ctx.scale)
  await run(5, 1, 10_000, hook(ctx, 'ten'))
  await sleep(500)
  await fetch(`${ctx.edgeflow}/__bench/d1`, { method: 'DELETE' })
  await run(n, 1, 60_000, hook(ctx, 'ten'))
  await sleep(1000)
  const sync = await json<{ reads: number; writes: number }>(`${ctx.edgeflow}/__bench/d1`, { method: 'DELETE' })
  await run(n, 1, 60_000, asyncToCompleted(ctx, 'ten_async'))
  await sleep(1000)
  const counted = await json<{ reads: number; writes: number }>(`${ctx.edgeflow}/__bench/d1`, { method: 'DELETE' })
  return [
    {
      id: 'd1.sync',
      scenario: 'D1 statements per sync 10-task execution',
      value: sync.writes / n,
      unit: 'writes',
      note: `${(sync.reads / n).toFixed(2)} reads per execution`,
    },
    {
      id: 'd1.async',
      scenario: 'D1 statements per async 10-task execution (polling excluded: reads from the object)',
      value: counted.writes / n,
      unit: 'writes',
      note: `${(counted.reads / n).toFixed(2)} reads per execution`,
    },
  ]
}

/**
 * Bytes of local storage that new executions (or Workflows instances) added, WAL files included,
 * next to what Cloudflare bills: each object's `databaseSize`.
 */
export async function storageRow(ctx: Context): Promise<Row[]> {
  const n = Math.round(50 * ctx.scale)
  const grown = async <T>(dir: string, work: () => Promise<T>) => {
    const before = filesUnder(dir)
    const result = await work()
    await sleep(2000)
    let bytes = 0
    for (const [file, size] of filesUnder(dir)) bytes += size - (before.get(file) ?? 0)
    return { perExecution: bytes / n, result }
  }
  const edgeflow = await grown(`${ctx.productState}/v3/do/edgeflow-ExecutionObject`, () =>
    run(n, 1, 60_000, hook(ctx, 'ten')),
  )
  const workflows = await grown(`${ctx.referenceState}/v3/workflows/miniflare-workflows-ten-steps`, () =>
    run(
      n,
      1,
      60_000,
      workflow(ctx, 'workflow', (index) => ({ n: index })),
    ),
  )
  const sizes = await Promise.all(
    edgeflow.result.results.map((id) => json<StorageSize>(`${ctx.edgeflow}/__bench/size/${id}`)),
  )
  const billed = stats(sizes.map((size) => size.databaseSize))
  const tables = sizes[0]?.tables
  const { databaseSize: floorSize } = await json<{ databaseSize: number }>(`${ctx.reference}/floor`, {
    method: 'POST',
    body: '{}',
  })
  return [
    {
      id: 'storage',
      scenario: 'local storage per 10-task execution (.wrangler/state growth)',
      value: edgeflow.perExecution,
      unit: 'bytes',
      workflows: workflows.perExecution,
    },
    {
      id: 'storage.billed',
      scenario: 'billed storage per 10-task execution (ctx.storage.sql.databaseSize)',
      value: billed.p50,
      unit: 'bytes',
      latency: billed,
      note: `${(billed.p50 / 4096).toFixed(0)} pages of 4 KiB; the durable floor's object ${floorSize} bytes; ${
        tables
          ? `bytes by table (dbstat): ${Object.entries(tables)
              .map(([name, bytes]) => `${name} ${bytes}`)
              .join(', ')}`
          : `no dbstat; in sqlite_master: ${sizes[0]?.objects.join(', ')}`
      }`,
    },
  ]
}

/** One request that makes a new object and takes it through a step of the start (bench/profile.ts). */
const profileStep = (ctx: Context, name: ProfileStep) => async (index: number) => {
  const response = await post(`${ctx.edgeflow}/__bench/profile/${name}`, { n: index })
  if (response.status !== 200) throw new Error(`profile ${name}: ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

/**
 * The sync 10-task flow alone, for two builds side by side (bench/ab.ts): its p50 at c=1, its
 * throughput at c=16, the storage one of its executions is billed, and what a new object's schema
 * costs (the profile's `schema` step over its `empty` one).
 */
export async function syncRows(
  ctx: Context,
): Promise<{ p50: number; perSecond: number; cpuMs: number; billed: number; schemaMs: number }> {
  const n = Math.round(100 * ctx.scale)
  await run(20, 4, 10_000, hook(ctx, 'ten'))
  const one = await run(n, 1, 30_000, hook(ctx, 'ten'))
  const sixteen = await withCpu(ctx.productPid, () => run(n * 4, 16, 30_000, hook(ctx, 'ten')))
  const size = await json<StorageSize>(`${ctx.edgeflow}/__bench/size/${one.results[0]}`)
  const empty = await run(n, 1, 30_000, profileStep(ctx, 'empty'))
  const schema = await run(n, 1, 30_000, profileStep(ctx, 'schema'))
  return {
    p50: one.latencies.p50,
    perSecond: sixteen.perSecond,
    cpuMs: sixteen.cpuMs,
    billed: size.databaseSize,
    schemaMs: schema.latencies.p50 - empty.latencies.p50,
  }
}

/**
 * What one new object per request costs, one step of an execution's start more each time (see
 * bench/profile.ts), against the whole sync execution: the differences are the profile.
 */
export async function profileRows(ctx: Context): Promise<Row[]> {
  const n = Math.round(200 * ctx.scale)
  const step = (name: ProfileStep) => profileStep(ctx, name)
  const names = Object.keys(PROFILE_STEPS) as (keyof typeof PROFILE_STEPS)[]
  for (const name of names) await run(20, 1, 10_000, step(name))
  const rows: Row[] = []
  const p50 = new Map<string, number>()
  for (const name of names) {
    const result = await run(n, 1, 30_000, step(name))
    const base = PROFILE_STEPS[name]
    p50.set(name, result.latencies.p50)
    rows.push({
      id: `profile.${name}`,
      scenario: `profile: new object in edgeflow's bundle, ${base ? `${base} + ${name}` : 'empty'}, c=1`,
      value: result.latencies.p50,
      unit: 'ms p50',
      latency: result.latencies,
      note: base ? `+${(result.latencies.p50 - (p50.get(base) ?? 0)).toFixed(2)} ms over ${base}` : undefined,
    })
  }
  return rows
}

/**
 * A status read of another execution while a 2,000-task flow runs, against the same read when
 * nothing else runs (Workflows blocks such a request while a long instance runs).
 */
export async function neighbourRow(ctx: Context): Promise<Row> {
  const other = await hook(ctx, 'ten')(0)
  const read = async () => {
    await json(`${ctx.edgeflow}/api/executions/${other}`)
  }
  const n = Math.round(100 * ctx.scale)
  await run(20, 1, 10_000, read)
  const usual = await run(n, 1, 30_000, read)
  let running = true
  const long = asyncToCompleted(ctx, 'twothousand', 500)(0).finally(() => (running = false))
  await sleep(50)
  const during: number[] = []
  while (running) {
    const begin = performance.now()
    await read()
    during.push(performance.now() - begin)
  }
  const detail = await long
  const latency = stats(during)
  return {
    id: 'neighbour',
    scenario: 'GET another execution while a 2,000-task flow runs, c=1',
    value: latency.p50,
    unit: 'ms p50',
    latency,
    note: `${(latency.p50 / usual.latencies.p50).toFixed(2)}× the usual p50 of ${usual.latencies.p50.toFixed(2)} ms; ${during.length} reads during ${detail.durationMs} ms of engine time; p99 ${latency.p99.toFixed(1)} ms`,
  }
}
