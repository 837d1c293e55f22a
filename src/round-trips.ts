/**
 * @module Counting the round trips that may leave the data centre before an answer (README,
 * Performance): name-derived Durable Object lookups (`idFromName`: the first access checks
 * worldwide), D1 reads and D1 writes. Opt-in (`EDGEFLOW_COUNT_ROUND_TRIPS=true`): the Worker wraps its
 * env per request, each object wraps its own, and an object's counts travel back in its RPC result,
 * so the Worker's answer says in a header what was observed before it.
 */

export const ROUND_TRIPS_HEADER = 'x-edgeflow-round-trips'

export interface RoundTrips {
  lookups: number
  d1Reads: number
  d1Writes: number
}

export const noRoundTrips = (): RoundTrips => ({ lookups: 0, d1Reads: 0, d1Writes: 0 })

export const countsRoundTrips = (env: { EDGEFLOW_COUNT_ROUND_TRIPS?: string | undefined }): boolean =>
  env.EDGEFLOW_COUNT_ROUND_TRIPS === 'true'

export const formatRoundTrips = (counts: RoundTrips): string =>
  `lookups=${counts.lookups};d1-reads=${counts.d1Reads};d1-writes=${counts.d1Writes}`

function add(into: RoundTrips, counts: RoundTrips): void {
  into.lookups += counts.lookups
  into.d1Reads += counts.d1Reads
  into.d1Writes += counts.d1Writes
}

export const since = (before: RoundTrips, now: RoundTrips): RoundTrips => ({
  lookups: now.lookups - before.lookups,
  d1Reads: now.d1Reads - before.d1Reads,
  d1Writes: now.d1Writes - before.d1Writes,
})

/** A statement that only reads (what a read replica may serve); anything else goes to the primary. */
export const readsOnly = (sql: string): boolean =>
  /^\s*(select|pragma|explain)\b/i.test(sql) ||
  (/^\s*with\b/i.test(sql) && !/\b(insert|update|delete|replace)\b/i.test(sql))

const isRoundTrips = (value: unknown): value is RoundTrips =>
  typeof value === 'object' && value !== null && typeof (value as RoundTrips).lookups === 'number'

/** An RPC result with the round trips its object observed while answering, when it carries them. */
export function reportedBy(result: unknown): RoundTrips | null {
  if (typeof result !== 'object' || result === null) return null
  const counts = (result as { roundTrips?: unknown }).roundTrips
  return isRoundTrips(counts) ? counts : null
}

/**
 * A D1 binding (or session) that tells `observe` the SQL of each round trip it makes: one statement
 * per run, query or `exec`, every statement of a batch at once; its sessions are watched the same way.
 */
export function watchedStatements<T extends Pick<D1Database, 'prepare' | 'batch'>>(
  inner: T,
  observe: (sqls: string[]) => void,
): T {
  const sqlOf = new WeakMap<D1PreparedStatement, string>()
  const statement = (prepared: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(prepared, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key)
        if (typeof value !== 'function') return value
        if (key === 'bind') return (...values: unknown[]) => statement(target.bind(...values), sql)
        if (key === 'run' || key === 'all' || key === 'first' || key === 'raw')
          return (...args: unknown[]) => {
            observe([sql])
            return Reflect.apply(value, target, args)
          }
        return (value as (...args: unknown[]) => unknown).bind(target)
      },
    })
    sqlOf.set(proxy, sql)
    return proxy
  }
  return new Proxy(inner, {
    get(target, key) {
      if (key === 'prepare') return (sql: string) => statement(target.prepare(sql), sql)
      if (key === 'batch')
        return (statements: D1PreparedStatement[]) => {
          observe(statements.map((each) => sqlOf.get(each) ?? 'write'))
          return target.batch(statements)
        }
      if (key === 'exec')
        return (sql: string) => {
          observe([sql])
          return (target as unknown as D1Database).exec(sql)
        }
      if (key === 'withSession')
        return (constraint?: string) =>
          watchedStatements((target as unknown as D1Database).withSession(constraint), observe)
      const value: unknown = Reflect.get(target, key)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

/** Every round trip of a D1 binding counted: a batch is one, a read when all its statements only read. */
const countedStatements = <T extends Pick<D1Database, 'prepare' | 'batch'>>(inner: T, counts: RoundTrips): T =>
  watchedStatements(inner, (sqls) => (sqls.every(readsOnly) ? (counts.d1Reads += 1) : (counts.d1Writes += 1)))

/** A stub whose RPC results add the round trips their object reports. */
function countedStub<T extends object>(stub: T, counts: RoundTrips): T {
  return new Proxy(stub, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        // Reflect.apply: an RPC method's own `apply` would be taken for a remote method
        const result: unknown = await Reflect.apply(value, target, args)
        const reported = reportedBy(result)
        if (reported) add(counts, reported)
        return result
      }
    },
  })
}

/** A Durable Object namespace whose name lookups are counted, and whose stubs report their objects' counts. */
function countedNamespace<T extends DurableObjectNamespace>(namespace: T, counts: RoundTrips): T {
  return new Proxy(namespace, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key)
      if (key === 'idFromName')
        return (name: string) => {
          counts.lookups += 1
          return target.idFromName(name)
        }
      if (key === 'get')
        return (id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) =>
          countedStub(target.get(id, options), counts)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

const isNamespace = (value: unknown): value is DurableObjectNamespace =>
  typeof value === 'object' && value !== null && 'idFromName' in value && 'newUniqueId' in value

const isD1 = (value: unknown): value is D1Database =>
  typeof value === 'object' && value !== null && 'prepare' in value && 'withSession' in value

/** `env` with every D1 binding and Durable Object namespace counted into `counts`. */
export function countedEnv<E extends object>(env: E, counts: RoundTrips): E {
  const wrapped: Record<string, unknown> = {}
  for (const [name, binding] of Object.entries(env)) {
    wrapped[name] = isD1(binding)
      ? countedStatements(binding, counts)
      : isNamespace(binding)
        ? countedNamespace(binding, counts)
        : binding
  }
  return wrapped as E
}
