/**
 * The README's client example (Client and CLI): `npx node scripts/client-example.ts` while
 * `npm start` runs; `npm run test:cli` runs it too.
 */
import { createClient, EdgeflowError } from 'edgeflow/client'

const edgeflow = createClient({
  url: process.env.EDGEFLOW_URL ?? 'http://127.0.0.1:8787',
  token: process.env.EDGEFLOW_TOKEN,
})

await edgeflow.flows.put('hello', {
  mode: 'sync',
  tasks: [{ id: 'answer', type: 'return', body: { hello: '{{ input.body.name }}' } }],
})
const started = await edgeflow.flows.trigger('hello', { name: 'Ada' })
if (started.kind === 'answered') console.log(started.status, started.body) // 200 { hello: 'Ada' }

const ended = await edgeflow.waitFor(started.executionId, { status: 'completed', timeoutMs: 30_000 })
console.log(ended.reached ? 'completed' : `ended ${ended.status}`, `in ${ended.execution.durationMs} ms`)

try {
  await edgeflow.executions.get('no-such-execution')
} catch (error) {
  if (!(error instanceof EdgeflowError)) throw error
  console.log(error.status, error.code, error.message) // 404 not_found execution no-such-execution not found
}
