/**
 * Draws one trace as a collector receives it (docs/traces.md, One trace, decoded): edgeflow under
 * `wrangler dev` exports to the OTLP collector of bench/target.ts on 127.0.0.1, which decodes every
 * export with OpenTelemetry's own schema; a webhook carrying `traceparent` starts the flow of the
 * traces test (test/helpers/traced-flow.ts). Prints the caller's and the target's trace context and
 * the span tree. `npm run trace:tree`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startTarget } from '../bench/target.ts'
import { applyMigrations, ROOT, startDev } from '../bench/stack.ts'
import { type ReceivedExport, spanTree } from '../test/helpers/decoded-trace.ts'
import { CHILD_FLOW, tracedFlow } from '../test/helpers/traced-flow.ts'

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
const TRACE_ID = CALLER.split('-')[1] as string
const KEY = 'trace-tree'

const target = await startTarget()
const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-trace-tree-'))
const config = path.join(ROOT, 'bench', 'product.wrangler.toml')
applyMigrations(config, state)
const dev = await startDev(config, state, '/api/flows', {
  vars: {
    OTEL_EXPORTER_OTLP_ENDPOINT: `${target.url}/otlp/${KEY}`,
    OTEL_SERVICE_NAME: 'edgeflow',
    FLOW_SECRET_TEST_KEY: 'sk_example_secret',
  },
})
try {
  const put = (id: string, definition: object) =>
    fetch(`${dev.url}/api/flows/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(definition),
    }).then((response) => response.arrayBuffer())
  await put('child', CHILD_FLOW)
  await put('orders', tracedFlow(target.url, 'child', 'trace-tree'))
  const response = await fetch(`${dev.url}/hooks/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: CALLER, tracestate: 'vendor=abc' },
    body: '{}',
  })
  const executionId = response.headers.get('x-execution-id')
  await response.arrayBuffer()
  const detail = (await (await fetch(`${dev.url}/api/executions/${executionId}`)).json()) as {
    taskRuns: { taskId: string; output: { body: { headers: Record<string, string> } } | null }[]
  }
  const echoed = detail.taskRuns.find((run) => run.taskId === 'echo')?.output?.body.headers
  let exports: ReceivedExport[] = []
  const started = Date.now()
  const spans = () =>
    exports.flatMap((post) =>
      post.request.resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) => scope.spans.filter((span) => span.traceId === TRACE_ID)),
      ),
    )
  // both executions' spans (the flow's and its child's) reached the collector, or a minute passed
  while (spans().filter((span) => span.name.startsWith('execution')).length < 2 && Date.now() - started < 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    exports = (await (await fetch(`${target.url}/otlp-received/${KEY}`)).json()) as ReceivedExport[]
  }
  const problems = exports.flatMap((post) => post.problems)
  console.log(`caller's traceparent:         ${CALLER} (tracestate vendor=abc)`)
  console.log(`target received traceparent:  ${echoed?.traceparent} (tracestate ${echoed?.tracestate})`)
  console.log(`exports: ${exports.length} POST /v1/traces, ${spans().length} spans of trace ${TRACE_ID}`)
  console.log(`decoded with opentelemetry-proto: ${problems.length === 0 ? 'no problem' : problems.join('; ')}`)
  const root = spans().find((span) => span.parentSpanId === CALLER.split('-')[2])
  const echo = spans().find((span) => span.kind === 3 && echoed?.traceparent?.includes(span.spanId))
  console.log(`the execution's span: ${root?.spanId}, its parent ${root?.parentSpanId} (the caller's span)`)
  console.log(`the echo attempt's span: ${echo?.spanId} (the target's traceparent names it)\n`)
  const names = (text: string) => text.replaceAll(target.url, 'http://127.0.0.1:<port>')
  console.log(spanTree(spans(), { names, durations: true }))
} finally {
  await dev.stop()
  await target.close()
  rmSync(state, { recursive: true, force: true })
}
