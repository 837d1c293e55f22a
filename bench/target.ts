/**
 * A local HTTP target for `http` tasks (Node, 127.0.0.1 only): it can fail N times, fail a share of
 * calls at random, hang (always or on the first call), answer slowly, echo, send big bodies, count
 * calls per `key`, keep what it received per `key` (`/capture`, which hangs on the first `hang`
 * calls and fails the next `fail` ones; `/captured/<key>` lists them), and (with `log`) record
 * every call with its `Idempotency-Key` and times. `/otlp/<key>/v1/traces` is an OTLP collector:
 * it decodes each export with OpenTelemetry's own schema (otlp-decode.ts), refuses with 400 what
 * does not decode, and `/otlp-received/<key>` lists the decoded exports. Used by the tests, the
 * benchmarks and the chaos run.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ReceivedExport } from '../test/helpers/decoded-trace.ts'
import { decodeTraces } from './otlp-decode.ts'

/** One call, as the target saw it. */
export interface Call {
  path: string
  idempotencyKey: string | null
  /** Epoch ms when the request arrived. */
  at: number
  /** Epoch ms when the whole answer was handed to the connection, or null if it never was (the caller went away). */
  answeredAt: number | null
  status: number | null
}

export interface Target {
  url: string
  /** The calls recorded so far (empty unless started with `log`). */
  calls(): readonly Call[]
  close(): Promise<void>
}

export async function startTarget(listenPort = 0, options: { log?: boolean } = {}): Promise<Target> {
  const calls = new Map<string, number>()
  const log: Call[] = []
  const captured = new Map<string, { headers: unknown; body: string }[]>()
  const exports = new Map<string, ReceivedExport[]>()
  // `/gate/<name>` answers once `/open/<name>` was called: a call that lasts exactly as long as a test needs
  const gates = new Map<string, PromiseWithResolvers<void>>()
  const gate = (name: string) => gates.get(name) ?? gates.set(name, Promise.withResolvers<void>()).get(name)!
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (options.log) {
      const key = request.headers['idempotency-key']
      const call: Call = {
        path: url.pathname,
        idempotencyKey: typeof key === 'string' ? key : null,
        at: Date.now(),
        answeredAt: null,
        status: null,
      }
      log.push(call)
      response.on('finish', () => {
        call.answeredAt = Date.now()
        call.status = response.statusCode
      })
    }
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const key = url.searchParams.get('key') ?? url.pathname
      const count = (calls.get(key) ?? 0) + 1
      calls.set(key, count)
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(body))
      }
      const [, route = '', arg] = url.pathname.split('/')
      switch (route) {
        case 'echo':
          return json(200, {
            method: request.method,
            headers: request.headers,
            body: Buffer.concat(chunks).toString(),
            query: Object.fromEntries(url.searchParams),
          })
        case 'status':
          return json(Number(arg), { status: Number(arg) })
        case 'chance': {
          // `/chance/30` fails 30 % of calls with 503, at random
          const failed = Math.random() * 100 < Number(arg)
          return json(failed ? 503 : 200, { failed })
        }
        case 'flaky': {
          const failures = Number(url.searchParams.get('fail') ?? '1')
          return count <= failures ? json(503, { attempt: count }) : json(200, { attempt: count })
        }
        case 'slow':
          return void setTimeout(() => json(200, { slept: Number(arg) }), Number(arg))
        case 'hang':
          return
        case 'gate':
          return void gate(arg ?? '').promise.then(() => json(200, { gate: arg }))
        case 'open':
          gate(arg ?? '').resolve()
          return json(200, { opened: arg })
        case 'hang-once':
          return count === 1 ? undefined : json(200, { attempt: count })
        case 'big':
          response.writeHead(200, { 'content-type': 'text/plain' })
          return response.end('x'.repeat(Number(arg)))
        case 'text':
          response.writeHead(200, { 'content-type': 'text/plain' })
          return response.end('hello')
        case 'calls':
          return json(200, { calls: calls.get(arg ?? '') ?? 0 })
        case 'capture': {
          const seen = captured.get(key) ?? []
          captured.set(key, [...seen, { headers: request.headers, body: Buffer.concat(chunks).toString() }])
          const hang = Number(url.searchParams.get('hang') ?? '0')
          if (count <= hang) return
          return json(count <= hang + Number(url.searchParams.get('fail') ?? '0') ? 503 : 200, { attempt: count })
        }
        case 'captured':
          return json(200, captured.get(arg ?? '') ?? [])
        case 'otlp': {
          if (request.method !== 'POST' || !url.pathname.endsWith('/v1/traces')) return json(404, {})
          const { request: decoded, problems } = decodeTraces(Buffer.concat(chunks).toString())
          const headers = request.headers as Record<string, string>
          exports.set(arg ?? '', [...(exports.get(arg ?? '') ?? []), { headers, request: decoded, problems }])
          // an ExportTraceServiceResponse, or the refusal a collector answers to what it cannot decode
          return problems.length === 0 ? json(200, {}) : json(400, { code: 3, message: problems.join('; ') })
        }
        case 'otlp-received':
          return json(200, exports.get(arg ?? '') ?? [])
        default:
          return json(200, { ok: true, path: url.pathname, count })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

// `node bench/target.ts [port]` serves the target on 127.0.0.1 (the README walkthrough uses 9100).
if (import.meta.main) {
  const port = Number(process.argv[2] ?? 9100)
  const target = await startTarget(port)
  console.log(`target listening on ${target.url}`)
}
