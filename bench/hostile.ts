/**
 * `npm run bench:hostile`: the expressions that once hung the server, run against `wrangler dev`
 * on 127.0.0.1 while a probe keeps asking for another execution. Prints, per case, how long the
 * task took to fail and the probe's latencies meanwhile (medians over the rounds). Bounded: each
 * case has a deadline, and the stack stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { json, post, sleep, stats } from './load.ts'
import { applyMigrations, ROOT, startDev } from './stack.ts'

const ROUNDS = Number(process.env.HOSTILE_ROUNDS ?? 3)
const DEADLINE_MS = 60_000

const CASES: Record<string, object> = {
  'endless recursion': { v: '{{ ($f := function($x){ $f($x) }; $f(1)) }}' },
  'catastrophic regex': { v: `{{ $contains("${'a'.repeat(40)}!", /^(a+)+$/) }}` },
  '$reduce at the largest budget': { v: '{{ $reduce([1..1000000], function($a, $v){ $a + $v }) }}' },
  'product of ranges': { v: '{{ $count([1..10000].([1..10000])) }}' },
  // issue 20: natives called by natives, JSONata's own regexes, shared structure
  '$pad called from $map': { v: '{{ $sum($map($map($map([1..60], $string), $pad(?, 50000000)), $length)) }}' },
  '$toMillis picture that backtracks': {
    v: `{{ $toMillis('${'1'.repeat(60)}x', '[Y]1[M]1[D]1[H]1[m]1[s]1[f]1[Y]1[M]1[D]') }}`,
  },
  'signature that backtracks': {
    v: `{{ ($f := function($a)<x+x+x+x+x+x+x+x+x+x+x+x+f>{1}; $f(${Array(40).fill(1).join(', ')})) }}`,
  },
  'widest signature allowed, 5,000 arguments': {
    v: `{{ ($f := function($a)<x+n?n?n?n?f>{1}; $f(${Array(5000).fill(1).join(', ')})) }}`,
  },
  'shared structure, 2^27 leaves': {
    v: `{{ ($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); {"a": $o, "b": $o}) }; $f(27)) }}`,
  },
  'deep comparisons of shared values': {
    v: `{{ ($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); {"a": $o, "b": $o}) }; ($a := $f(20); $b := $f(20); [1..1000].($a = $b))) }}`,
  },
  '$spread of a long list': { v: '{{ $spread([5..99994]) }}' },
}

const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-hostile-'))
const config = path.join(ROOT, 'bench', 'product.wrangler.toml')
applyMigrations(config, state)
const dev = await startDev(config, state, '/api/flows')
const median = (values: number[]) => stats(values).p50
/** What a flow PUT answers, as far as this bench reads it: an error body included. */
interface PutAnswer {
  error?: { code: string; issues: { message: string }[] }
}
async function put(id: string, body: object): Promise<PutAnswer> {
  const response = await fetch(`${dev.url}/api/flows/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await response.json()) as PutAnswer
}

try {
  await put('calm', { tasks: [{ id: 'w', type: 'wait', event: 'never' }] })
  const calm = (await json(`${dev.url}/hooks/calm`, { method: 'POST' })).executionId as string
  const rows: string[] = []
  for (const [name, values] of Object.entries(CASES)) {
    const id = `hostile_${name.replace(/\W+/g, '_')}`
    const flow = await put(id, { expressionBudget: { steps: 1_000_000 }, tasks: [{ id: 's', type: 'set', values }] })
    if (flow.error?.code === 'invalid_flow') {
      rows.push(`| ${name} | — | — | — | refused at PUT: ${flow.error.issues[0]?.message.split(': ').at(-1)} |`)
      continue
    }
    if (flow.error) throw new Error(`PUT ${id}: ${JSON.stringify(flow.error)}`)
    const fails: number[] = []
    const p50s: number[] = []
    const p95s: number[] = []
    let outcome = ''
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now()
      const { executionId } = (await (await post(`${dev.url}/hooks/${id}`, {})).json()) as { executionId: string }
      const probes: number[] = []
      for (;;) {
        const begin = performance.now()
        await (await fetch(`${dev.url}/api/executions/${calm}`)).arrayBuffer()
        probes.push(performance.now() - begin)
        const detail = await json(`${dev.url}/api/executions/${executionId}`)
        if (!['pending', 'running'].includes(detail.status)) {
          outcome = detail.error ? `${detail.error.type}: ${detail.error.message.split(': ').at(-1)}` : detail.status
          break
        }
        if (performance.now() - started > DEADLINE_MS) throw new Error(`${name} still running after ${DEADLINE_MS} ms`)
        await sleep(20)
      }
      fails.push(performance.now() - started)
      p50s.push(stats(probes).p50)
      p95s.push(stats(probes).p95)
    }
    rows.push(
      `| ${name} | ${median(fails).toFixed(0)} | ${median(p50s).toFixed(1)} | ${median(p95s).toFixed(1)} | ${outcome} |`,
    )
  }
  console.log(`\nmedians of ${ROUNDS} rounds\n`)
  console.log('| case | task ended after (ms) | probe p50 (ms) | probe p95 (ms) | outcome |')
  console.log('|---|---:|---:|---:|---|')
  console.log(rows.join('\n'))
} finally {
  await dev.stop()
  rmSync(state, { recursive: true, force: true })
}
