/**
 * edgeflow for the benchmarks: the product unchanged, with every D1 statement counted (reads and
 * writes, from the Worker, the objects and the index queue's consumer, with the consumer's batches
 * and messages) and the counts served at `/__bench/d1`, an empty Durable Object created per request
 * at `/__bench/object` — the floor of one object per execution in this bundle —, the time D1 takes
 * to write summaries batched and one by one at `/__bench/index-write` (bench/index-visibility.ts),
 * `/__bench/flows/:id`, which stores a flow the way another isolate's PUT would (bench/round-trips.ts,
 * the cold isolate), and, for the profile: the steps of a start (`/__bench/profile/:step`), an
 * execution's billed storage (`/__bench/size/:id`).
 */
import { DurableObject } from 'cloudflare:workers'
import { ExecutionObject as Execution } from '../src/objects/execution-object'
import type { Env } from '../src/env'
import worker from '../src/index'
import { SchedulerObject as Scheduler } from '../src/objects/scheduler-object'
import { validateFlow } from '../src/flow/compile'
import { revisionHash } from '../src/flow/revision'
import { putFlow } from '../src/store/d1/flows'
import { executionStub } from '../src/objects/stubs'
import { readsOnly, watchedStatements } from '../src/round-trips'
import { storageSize } from './storage-size'
import { Profile } from './profile'
import type { ProfileStep, StorageSize } from './shared'
import { applyIndexBatch, type IndexMessage, upsertMessage } from '../src/store/d1/index-batch'
import type { ExecutionSummary } from '../src/store/d1/schema'
import { TRACE_QUEUE } from '../src/objects/trace-queue'
import type { TraceMessage } from '../src/telemetry/export'

export { Profile }

const counts = { reads: 0, writes: 0, batches: 0, messages: 0 }

/** A D1 binding that counts the statements it runs (each statement of a batch too). */
const counted = (db: D1Database): D1Database =>
  watchedStatements(db, (sqls) => {
    for (const sql of sqls)
      if (readsOnly(sql)) counts.reads += 1
      else counts.writes += 1
  })

const countedDbs = new WeakMap<D1Database, D1Database>()

/** The env with its D1 binding counted (the same wrapper every time, like the binding itself). */
function withCountedDb(env: Env): Env {
  let db = countedDbs.get(env.DB)
  if (!db) {
    db = counted(env.DB)
    countedDbs.set(env.DB, db)
  }
  return { ...env, DB: db }
}

export class ExecutionObject extends Execution {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withCountedDb(env))
  }

  /** What Cloudflare bills for this object's storage, and which tables take it. */
  storageSize(): StorageSize {
    return storageSize(this.ctx.storage)
  }
}

export class SchedulerObject extends Scheduler {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withCountedDb(env))
  }
}

// flow control touches no D1: its objects run as they are
export { CoordinatorObject } from '../src/objects/coordinator-object'
export { RateLimiterObject } from '../src/objects/rate-limiter-object'

/** Does nothing: creating it is all it costs. */
export class Empty extends DurableObject {
  ping(): number {
    return 1
  }
}

type BenchEnv = Env & {
  EMPTY: DurableObjectNamespace<Empty>
  PROFILE: DurableObjectNamespace<Profile>
  EXECUTIONS: DurableObjectNamespace<ExecutionObject>
}

/** Stores a flow in D1 as another isolate's PUT would: this isolate's flow cache never sees it (bench/round-trips.ts). */
async function writeFlowElsewhere(request: Request, env: Env, pathname: string): Promise<Response> {
  const definition = validateFlow(await request.json(), env)
  const id = pathname.slice('/__bench/flows/'.length)
  await putFlow(env.DB, id, definition, await revisionHash(definition), Date.now())
  return Response.json({ id })
}

export default {
  async fetch(request: Request, env: BenchEnv, ctx: ExecutionContext) {
    const { pathname } = new URL(request.url)
    if (pathname === '/__bench/object') {
      await env.EMPTY.get(env.EMPTY.idFromName(crypto.randomUUID())).ping()
      return Response.json({ ok: true })
    }
    if (pathname.startsWith('/__bench/flows/')) return writeFlowElsewhere(request, env, pathname)
    const [, , kind, arg] = pathname.split('/')
    if (kind === 'size' && arg) {
      const stub = executionStub(env, arg) as unknown as DurableObjectStub<ExecutionObject>
      return Response.json(await stub.storageSize())
    }
    if (kind === 'profile' && arg) {
      const profile = env.PROFILE.get(env.PROFILE.newUniqueId())
      return Response.json(await profile.run(arg as ProfileStep, await request.json()))
    }
    if (pathname === '/__bench/d1') {
      const snapshot = { ...counts }
      if (request.method === 'DELETE') Object.assign(counts, { reads: 0, writes: 0, batches: 0, messages: 0 })
      return Response.json(snapshot)
    }
    if (pathname === '/__bench/index-write') return Response.json(await timeIndexWrites(env.DB, 100))
    return worker.fetch(request, withCountedDb(env), ctx)
  },
  async queue(batch: MessageBatch<IndexMessage | TraceMessage>, env: BenchEnv) {
    // the counts are the index's: the trace queue's batches pass through uncounted
    if (batch.queue !== TRACE_QUEUE) {
      counts.batches += 1
      counts.messages += batch.messages.length
    }
    await worker.queue(batch, withCountedDb(env))
  },
} satisfies ExportedHandler<BenchEnv, IndexMessage | TraceMessage>

/** A summary of a made-up finished execution, as an object sends it. */
const sampleSummary = (id: string): ExecutionSummary => ({
  id,
  flowId: '__bench_index_write',
  revision: 1,
  status: 'completed',
  trigger: 'webhook',
  mode: 'sync',
  createdAt: Date.now(),
  startedAt: Date.now(),
  endedAt: Date.now(),
  durationMs: 3,
  outputStatus: 200,
  errorType: null,
  errorTaskId: null,
  errorMessage: null,
  replayOf: null,
  parentExecutionId: null,
  labels: null,
  reactsTo: null,
  reactionDepth: 0,
  version: 7,
})

/**
 * D1's time for `rows` new summaries written as one batched statement, then for as many written one
 * statement each (what every object did before the index queue), then removed again.
 */
async function timeIndexWrites(db: D1Database, rows: number) {
  const fresh = () => Array.from({ length: rows }, () => upsertMessage(sampleSummary(crypto.randomUUID())))
  let started = performance.now()
  await applyIndexBatch(db, fresh(), Date.now())
  const batchedMs = performance.now() - started
  started = performance.now()
  for (const message of fresh()) await applyIndexBatch(db, [message], Date.now())
  const singleMs = performance.now() - started
  await db.prepare("DELETE FROM executions WHERE flow_id = '__bench_index_write'").run()
  return { rows, batchedMs, singleMs }
}
