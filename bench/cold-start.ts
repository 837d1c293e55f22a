/**
 * Bundle size and cold start (docs/performance.md, Bundle): bundles the Worker as `wrangler deploy
 * --dry-run` does (minified as wrangler.toml says), then, for each round, starts a fresh `wrangler dev`
 * and times its first answer — wrangler's bundling, workerd's start, the compile and top-level
 * evaluation of the bundle, one request — against the same for a one-line bare Worker, alternated.
 * `node bench/cold-start.ts [config] [rounds]`; prints the medians and their ratio.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { freePort, ROOT } from './stack.ts'

const WRANGLER = path.join(ROOT, 'node_modules', '.bin', 'wrangler')
const config = path.resolve(process.argv[2] ?? path.join(ROOT, 'wrangler.toml'))
const rounds = Number(process.argv[3] ?? 7)
const out = mkdtempSync(path.join(tmpdir(), 'edgeflow-cold-'))
execFileSync(WRANGLER, ['deploy', '--dry-run', '-c', config, '--outdir', path.join(out, 'bundle')], {
  cwd: path.dirname(config),
  stdio: 'ignore',
})
const script = path.join(out, 'bundle', 'index.js')
const bytes = statSync(script).size
const gzip = gzipSync(readFileSync(script)).length

// the bare Worker: one file answering every request, under the same `wrangler dev`
const bare = path.join(out, 'bare.toml')
writeFileSync(path.join(out, 'bare.js'), 'export default { fetch: () => new Response("ok") }\n')
writeFileSync(bare, 'name = "bare"\nmain = "bare.js"\ncompatibility_date = "2026-08-22"\n')

/** ms from spawning `wrangler dev` to its first answer (polled every 10 ms); the process group is killed after. */
async function coldStart(toml: string): Promise<number> {
  const port = await freePort()
  const inspector = await freePort()
  const started = performance.now()
  const child = spawn(
    WRANGLER,
    ['dev', '-c', toml, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)].concat([
      '--persist-to',
      path.join(out, 'state'),
      '--log-level',
      'error',
      '--show-interactive-dev-session=false',
    ]),
    { cwd: path.dirname(toml), stdio: 'ignore', detached: true },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev (${toml}) exited`)
      try {
        const response = await fetch(`http://127.0.0.1:${port}/cold-start-probe`)
        await response.arrayBuffer()
        return performance.now() - started
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
  } finally {
    process.kill(-(child.pid as number), 'SIGKILL')
    await exited
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const times = { edgeflow: [] as number[], bare: [] as number[] }
for (let round = 0; round < rounds; round += 1) {
  times.bare.push(await coldStart(bare))
  times.edgeflow.push(await coldStart(config))
}
const [worker, reference] = [median(times.edgeflow), median(times.bare)]
console.log(
  JSON.stringify({
    config: path.relative(ROOT, config) || config,
    bundleKiB: +(bytes / 1024).toFixed(1),
    gzipKiB: +(gzip / 1024).toFixed(1),
    rounds,
    coldStartMs: +worker.toFixed(1),
    bareColdStartMs: +reference.toFixed(1),
    overBareMs: +(worker - reference).toFixed(1),
    ratio: +(worker / reference).toFixed(2),
    samples: { edgeflow: times.edgeflow.map(Math.round), bare: times.bare.map(Math.round) },
  }),
)
