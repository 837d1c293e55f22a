/**
 * @module edgeflow's typed client: a thin wrapper over openapi-fetch and the types openapi-typescript
 * generates from the API's OpenAPI document (schema.ts), so each call is typed by the document the
 * Worker serves. It needs only `fetch`: it runs in Workers, Node ≥ 18, Deno and browsers.
 *
 *   const edgeflow = createClient({ url: 'http://127.0.0.1:8787', token })
 *   await edgeflow.flows.put('greet', definition)
 *   const started = await edgeflow.flows.trigger('greet', { name: 'Ada' })
 *   const { status } = await edgeflow.waitFor(started.executionId)
 *
 * Every failure is an `EdgeflowError` whose `problem` says what happened (errors.ts).
 */
import createFetchClient from 'openapi-fetch'
import { retryAfterMs } from './backoff.ts'
import { apiErrorOf, apiProblem, EdgeflowError } from './errors.ts'
import type { paths } from './schema.ts'
import type {
  Accepted,
  AdhocRequest,
  BulkRequest,
  ExecutionListQuery,
  FlowDefinition,
  FlowReplayRequest,
  FlowTestDocument,
  Gathered,
  LogDownloadQuery,
  LogQuery,
  ReplayRequest,
} from './types.ts'
import { waitFor, type WaitOptions, type WaitResult } from './wait.ts'

export { EdgeflowError, type ClientProblem, type Issue } from './errors.ts'
export { FINAL_STATUSES, isFinal, type WaitOptions, type WaitResult } from './wait.ts'
export { pollDelay, retryAfterMs, DEFAULT_BACKOFF, type Backoff } from './backoff.ts'
export * from './types.ts'
export type { paths } from './schema.ts'

export interface ClientOptions {
  /** Where the Worker answers, e.g. `http://127.0.0.1:8787` or `https://edgeflow.example.workers.dev`. */
  url: string
  /** The API token (`API_TOKEN`), sent as a bearer token. */
  token?: string | undefined
  /** Another fetch: a service binding's, `SELF.fetch` in tests, one with a proxy. */
  fetch?: (request: Request) => Promise<Response>
}

/**
 * How a trigger was answered: `accepted` (202: the execution runs; poll it, or `waitFor` it),
 * `gathered` (202: a flow's debounce or batch holds it; the execution it joined starts at `startsAt`
 * at the latest, and does not exist before), or
 * `answered` (a sync flow's output: the status, body and headers its `return` task decided, which
 * may be a 4xx or 5xx of the flow's own — an error of the API itself is thrown instead).
 */
export type Started =
  | ({ kind: 'accepted' } & Accepted)
  | ({ kind: 'gathered' } & Gathered)
  | { kind: 'answered'; executionId: string; status: number; body: unknown; headers: Headers }

/** How a flow's source text is written. */
export type SourceFormat = 'json' | 'yaml'

const CONTENT_TYPE: Record<SourceFormat, string> = { json: 'application/json', yaml: 'application/yaml' }

/** The codes of a sync execution's own failure: an answer of the flow, not an error of the API. */
const EXECUTION_ENDED: ReadonlySet<string> = new Set(['execution_failed', 'execution_killed'])

/** A 202's body: where to poll. */
const isAccepted = (body: unknown): body is Accepted =>
  typeof body === 'object' &&
  body !== null &&
  'executionId' in body &&
  typeof body.executionId === 'string' &&
  'status' in body &&
  typeof body.status === 'string' &&
  'statusUrl' in body &&
  typeof body.statusUrl === 'string'

/** A 202's body for a trigger a debounce or batch gathered. */
const isGathered = (body: unknown): body is Gathered =>
  typeof body === 'object' &&
  body !== null &&
  'executionId' in body &&
  typeof body.executionId === 'string' &&
  'gathered' in body &&
  typeof body.gathered === 'string'

/** The outcome of an openapi-fetch call. */
interface Outcome<D> {
  data?: D
  error?: unknown
  response: Response
}

/**
 * Why a request got no answer: the error's message, with the reason under it — the system's code
 * (`fetch failed (ECONNREFUSED)`), else its message (`fetch failed (bad port)`).
 */
function unreachable(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause)
  const inner: unknown = cause instanceof Error ? cause.cause : undefined
  const reason =
    typeof inner === 'object' && inner !== null && 'code' in inner
      ? String(inner.code)
      : inner instanceof Error
        ? inner.message
        : null
  return reason && !message.includes(reason) ? `${message} (${reason})` : message
}

export function createClient(options: ClientOptions) {
  const baseUrl = options.url.replace(/\/+$/, '')
  const fetch = options.fetch ?? ((request: Request) => globalThis.fetch(request))
  const api = createFetchClient<paths>({
    baseUrl,
    fetch,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  })

  /** The outcome of a call; no answer at all is thrown as a `network` problem. */
  async function reach<D>(pending: Promise<Outcome<D>>): Promise<Outcome<D>> {
    try {
      return await pending
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
      const message = `could not reach ${baseUrl}: ${unreachable(cause)}`
      throw new EdgeflowError({ type: 'network', message }, { cause })
    }
  }

  /** Throws the problem an error answer holds. */
  function fail(response: Response, body: unknown): never {
    const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now())
    throw new EdgeflowError(apiProblem(response, body, retryAfter))
  }

  /** The answer's data; an error answer (or an empty one where the document promises a body) is thrown. */
  async function settle<D>(pending: Promise<Outcome<D>>): Promise<{ data: D; response: Response }> {
    const { data, error, response } = await reach(pending)
    if (error !== undefined || !response.ok) fail(response, error)
    if (data === undefined) throw protocol(response, 'no body')
    return { data, response }
  }

  const protocol = (response: Response, what: string) =>
    new EdgeflowError({
      type: 'protocol',
      status: response.status,
      message: `${response.url || baseUrl} answered ${response.status} with ${what}, not what the API document promises`,
    })

  /** A call answered 204 (or any 2xx): nothing to read. */
  const done = async (pending: Promise<Outcome<unknown>>): Promise<void> => {
    const { error, response } = await reach(pending)
    if (error !== undefined || !response.ok) fail(response, error)
  }

  /** A trigger's answer: 202 and where to poll, or a sync flow's own answer; the API's errors thrown. */
  async function started(pending: Promise<Outcome<string>>): Promise<Started> {
    const outcome = await reach(pending)
    const { response } = outcome
    // openapi-fetch parses an error answer as JSON when it can; a 2xx is read as text here, since a
    // sync flow may answer text of its own content type
    const json = response.headers.get('content-type')?.includes('json')
    const body =
      outcome.data === undefined ? outcome.error : json && outcome.data ? JSON.parse(outcome.data) : outcome.data
    const executionId = response.headers.get('x-execution-id')
    if (response.status === 202 && isAccepted(body)) return { kind: 'accepted', ...body }
    if (response.status === 202 && isGathered(body)) return { kind: 'gathered', ...body }
    // a failed or killed sync execution is the flow's answer (execution_failed, execution_killed), any
    // other `{error: {code, message}}` with no execution is the API's
    const problem = apiErrorOf(body)
    if (executionId === null || (problem !== null && !EXECUTION_ENDED.has(problem.code))) fail(response, body)
    return { kind: 'answered', executionId, status: response.status, body, headers: response.headers }
  }

  const id = (executionId: string) => ({ params: { path: { id: executionId } } })

  /** A test document's source text as the body, sent as it is (as putSource sends a flow's). */
  const testText = (source: string, format: SourceFormat) => ({
    body: {} as FlowTestDocument,
    bodySerializer: () => source,
    headers: { 'content-type': CONTENT_TYPE[format] },
  })

  const flows = {
    /** Stores a flow: a new revision when the content changed (`changed`), else the same one. */
    put: async (flowId: string, definition: FlowDefinition) => {
      const { data, response } = await settle(
        api.PUT('/api/flows/{id}', { params: { path: { id: flowId } }, body: definition }),
      )
      return { ...data, created: response.status === 201 }
    },
    /** Stores a flow from its source text (JSON or YAML), as it is kept in a repository. */
    putSource: async (flowId: string, source: string, format: SourceFormat) => {
      const { data, response } = await settle(
        api.PUT('/api/flows/{id}', {
          params: { path: { id: flowId } },
          // the text goes as it is (the server parses and bounds it, and reports paths in it): the
          // serializer sends it in place of the typed body, which openapi-fetch requires
          body: {} as FlowDefinition,
          bodySerializer: () => source,
          headers: { 'content-type': CONTENT_TYPE[format] },
        }),
      )
      return { ...data, created: response.status === 201 }
    },
    get: async (flowId: string) =>
      (await settle(api.GET('/api/flows/{id}', { params: { path: { id: flowId } } }))).data,
    /**
     * Runs a test document's cases (docs/testing-flows.md) against the flow's latest revision, or,
     * with `flowId` null, against the inline `definition` the document holds. The report says per
     * case whether it passed; the call succeeds either way.
     */
    test: async (flowId: string | null, document: FlowTestDocument) => {
      if (flowId === null) return (await settle(api.POST('/api/tests', { body: document }))).data
      return (await settle(api.POST('/api/flows/{id}/test', { params: { path: { id: flowId } }, body: document }))).data
    },
    /**
     * Replays a recorded execution (`executions.record`) on a flow — the inline `definition`, else a
     * `revision` of its flow (default: the one it ran) — with its recorded I/O as mocks: what
     * changed, task by task. Calls no network.
     */
    replay: async (record: FlowReplayRequest['record'], on: { definition?: unknown; revision?: number } = {}) =>
      (await settle(api.POST('/api/tests/replay', { body: { record, ...on } }))).data,
    /** As `replay`, from the source text of `{record, definition}` (JSON, or YAML holding a YAML flow). */
    replaySource: async (source: string, format: SourceFormat) =>
      (
        await settle(
          api.POST('/api/tests/replay', {
            body: {} as FlowReplayRequest,
            bodySerializer: () => source,
            headers: { 'content-type': CONTENT_TYPE[format] },
          }),
        )
      ).data,
    /** As `test`, from the document's source text (JSON or YAML), as it is kept beside its flow. */
    testSource: async (flowId: string | null, source: string, format: SourceFormat) => {
      const init = testText(source, format)
      if (flowId === null) return (await settle(api.POST('/api/tests', init))).data
      return (await settle(api.POST('/api/flows/{id}/test', { params: { path: { id: flowId } }, ...init }))).data
    },
    /**
     * The test cases stored with a flow (docs/testing-flows.md, Tests stored with a flow): `get`
     * them, `put` a document's (or `putSource` its text), `delete` them, and `run` them against the
     * flow's latest revision (the report as `test` gives it).
     */
    tests: {
      get: async (flowId: string) =>
        (await settle(api.GET('/api/flows/{id}/tests', { params: { path: { id: flowId } } }))).data,
      put: async (flowId: string, document: FlowTestDocument) =>
        (await settle(api.PUT('/api/flows/{id}/tests', { params: { path: { id: flowId } }, body: document }))).data,
      putSource: async (flowId: string, source: string, format: SourceFormat) =>
        (
          await settle(
            api.PUT('/api/flows/{id}/tests', { params: { path: { id: flowId } }, ...testText(source, format) }),
          )
        ).data,
      delete: (flowId: string) => done(api.DELETE('/api/flows/{id}/tests', { params: { path: { id: flowId } } })),
      run: async (flowId: string) =>
        (await settle(api.POST('/api/flows/{id}/tests/run', { params: { path: { id: flowId } } }))).data,
    },
    /** One page of flows, by id. */
    list: async (query: { limit?: number; cursor?: string } = {}) =>
      (await settle(api.GET('/api/flows', { params: { query } }))).data,
    revisions: async (flowId: string) =>
      (await settle(api.GET('/api/flows/{id}/revisions', { params: { path: { id: flowId } } }))).data,
    revision: async (flowId: string, revision: number) =>
      (await settle(api.GET('/api/flows/{id}/revisions/{revision}', { params: { path: { id: flowId, revision } } })))
        .data,
    /** Disables the flow: its triggers answer 404 until it is enabled again; history is kept. */
    disable: (flowId: string) =>
      done(api.DELETE('/api/flows/{id}', { params: { path: { id: flowId }, query: { purge: 'false' } } })),
    /** Enables a disabled flow again: its latest definition PUT back, which keeps its revision. */
    enable: async (flowId: string) => {
      const { data, response } = await settle(api.GET('/api/flows/{id}', { params: { path: { id: flowId } } }))
      if (!data.definition) throw protocol(response, 'no definition')
      return flows.put(flowId, data.definition)
    },
    /** Deletes the flow and its revisions for good (409 `not_final` while one of its executions runs). */
    delete: (flowId: string) =>
      done(api.DELETE('/api/flows/{id}', { params: { path: { id: flowId }, query: { purge: 'true' } } })),
    /** Starts an execution with `body` as its input body (the manual trigger). */
    trigger: (flowId: string, body?: unknown, init: { idempotencyKey?: string } = {}) =>
      started(
        api.POST('/api/flows/{id}/executions', {
          params: { path: { id: flowId } },
          body,
          headers: init.idempotencyKey ? { 'idempotency-key': init.idempotencyKey } : {},
          parseAs: 'text',
        }),
      ),
  }

  const executions = {
    /** One page of the execution index, newest first. */
    list: async (query: ExecutionListQuery = {}) =>
      (await settle(api.GET('/api/executions', { params: { query } }))).data,
    get: async (executionId: string) => (await settle(api.GET('/api/executions/{id}', id(executionId)))).data,
    taskRuns: async (executionId: string, query: { cursor?: number; limit?: number } = {}) =>
      (await settle(api.GET('/api/executions/{id}/task-runs', { params: { path: { id: executionId }, query } }))).data,
    /**
     * The record of an execution, for a replay (docs/testing-flows.md): the execution as `get` reads
     * it, its `taskRuns` holding every task run (read page by page).
     */
    record: async (executionId: string) => {
      const execution = await executions.get(executionId)
      const taskRuns = [...execution.taskRuns]
      for (let cursor = execution.taskRunsCursor; cursor !== null;) {
        const page = await executions.taskRuns(executionId, { cursor: Number(cursor), limit: 500 })
        taskRuns.push(...page.items)
        cursor = page.nextCursor
      }
      return { ...execution, taskRuns, taskRunsCursor: null }
    },
    logs: async (executionId: string, query: LogQuery = {}) =>
      (await settle(api.GET('/api/executions/{id}/logs', { params: { path: { id: executionId }, query } }))).data,
    /** Every log line the filters keep, as the API streams it: NDJSON, one LogLine a line, oldest first. */
    downloadLogs: async (executionId: string, query: LogDownloadQuery = {}): Promise<ReadableStream<Uint8Array>> => {
      const { data } = await settle(
        api.GET('/api/executions/{id}/logs.ndjson', {
          params: { path: { id: executionId }, query },
          parseAs: 'stream',
        }),
      )
      if (data === null) throw new EdgeflowError({ type: 'protocol', status: 200, message: 'the download has no body' })
      return data
    },
    kill: async (executionId: string) => (await settle(api.POST('/api/executions/{id}/kill', id(executionId)))).data,
    pause: async (executionId: string) => (await settle(api.POST('/api/executions/{id}/pause', id(executionId)))).data,
    resume: async (executionId: string) =>
      (await settle(api.POST('/api/executions/{id}/resume', id(executionId)))).data,
    /** A new execution re-running this one from a task (default: the one that failed) on a revision (default: the latest). */
    replay: async (executionId: string, request: ReplayRequest = {}) =>
      (await settle(api.POST('/api/executions/{id}/replay', { ...id(executionId), body: request }))).data,
    /** Deletes an execution that ended (409 `not_final` before). */
    delete: (executionId: string) => done(api.DELETE('/api/executions/{id}', id(executionId))),
    /** Delivers an event to the execution's `wait` task (kept if the wait is not reached yet). */
    event: async (executionId: string, event: string, payload: unknown = {}) =>
      (
        await settle(
          api.POST('/api/executions/{id}/events/{name}', {
            params: { path: { id: executionId, name: event } },
            body: payload,
          }),
        )
      ).data,
    /**
     * Many executions at once, named by `{ids}` or `{filter}` (the list's filters; at most 500
     * either way): each is killed, replayed (from the task that failed, on the latest revision) or
     * deleted as its own call would, and its result says done or why not. The request itself
     * throws only when refused as a whole (400: too many, or a bad filter).
     */
    bulk: {
      kill: async (request: BulkRequest) =>
        (await settle(api.POST('/api/executions/bulk/kill', { body: request }))).data,
      replay: async (request: BulkRequest) =>
        (await settle(api.POST('/api/executions/bulk/replay', { body: request }))).data,
      delete: async (request: BulkRequest) =>
        (await settle(api.POST('/api/executions/bulk/delete', { body: request }))).data,
    },
    /** Runs an inline flow, or a single task, once: an execution of no stored flow. */
    run: (request: AdhocRequest) => started(api.POST('/api/executions', { body: request, parseAs: 'text' })),
  }

  const hooks = {
    /** Calls a flow's webhook as an outside sender would (a POST with a JSON body). */
    send: (flowId: string, body: unknown, headers: Record<string, string> = {}) =>
      started(api.POST('/hooks/{flowId}', { params: { path: { flowId } }, body, headers, parseAs: 'text' })),
  }

  return {
    flows,
    executions,
    hooks,
    /**
     * Polls the execution until it is in `options.status` (default: any final status), or ended in
     * another one (`reached: false`), honouring `Retry-After`, else backing off from 250 ms to 2 s.
     * Rejects with a `timeout` problem after `options.timeoutMs` (default 10 minutes).
     */
    waitFor: (executionId: string, options: WaitOptions = {}): Promise<WaitResult> =>
      waitFor(
        executionId,
        async (signal) => {
          const { data, response } = await settle(
            api.GET('/api/executions/{id}', { ...id(executionId), ...(signal ? { signal } : {}) }),
          )
          return { execution: data, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()) }
        },
        options,
      ),
  }
}

export type EdgeflowClient = ReturnType<typeof createClient>
