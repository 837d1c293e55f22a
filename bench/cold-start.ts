/**
 * Bundle size and cold start (docs/performance.md, Bundle), two rows of `npm run bench`: what
 * `wrangler deploy --dry-run` says it would upload (its "Total Upload" line: every module, gzipped
 * together) with the largest modules of its esbuild metafile, and, per round, a fresh `wrangler dev`
 * of that very upload (`no_bundle`: no build in the time) timed from spawn to its first answer —
 * workerd's start, the bindings, the compile and top-level evaluation of the bundle, one request —
 * against the same for a one-line bare Worker and for a one-line Worker with edgeflow's bindings,
 * alternated. Alone: `node bench/cold-start.ts [config] [rounds]` prints the two rows.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { stats } from './load.ts'
import type { Row } from './scenarios.ts'
import { ROOT, startDev } from './stack.ts'

const WRANGLER = path.join(ROOT, 'node_modules', '.bin', 'wrangler')

export interface Bundle {
  uploadKiB: number
  gzipKiB: number
  /** The largest inputs of the script, minified bytes each (a package's files are one entry per file). */
  top: { module: string; kib: number }[]
}

/** The metafile's inputs as bytes in the output, largest first. */
function largest(metafile: string, count: number): Bundle['top'] {
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>
  }
  return Object.entries(meta.outputs)
    .filter(([name]) => name.endsWith('.js'))
    .flatMap(([, output]) => Object.entries(output.inputs))
    .map(([module, { bytesInOutput }]) => ({
      module: module.replace(/^.*node_modules\//, ''),
      kib: +(bytesInOutput / 1024).toFixed(1),
    }))
    .sort((a, b) => b.kib - a.kib)
    .slice(0, count)
}

/** What `wrangler deploy --dry-run` reports for `config`, built into `out`. */
export function bundleOf(config: string, out: string): Bundle {
  const said = execFileSync(
    WRANGLER,
    ['deploy', '--dry-run', '-c', config, '--outdir', out, '--metafile', path.join(out, 'meta.json')],
    { cwd: path.dirname(config), encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
  )
  const total = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(said)
  if (!total) throw new Error(`wrangler deploy --dry-run said no "Total Upload":\n${said}`)
  return { uploadKiB: Number(total[1]), gzipKiB: Number(total[2]), top: largest(path.join(out, 'meta.json'), 10) }
}

/**
 * ms from spawning `wrangler dev` of `config` to its first answer (asked every 10 ms); the process
 * group is killed after. Without the fetch of `request.cf` from the network that `wrangler dev`
 * makes at start (as `npm start`): it times the network, not the Worker.
 */
async function coldStart(config: string, state: string): Promise<number> {
  const started = performance.now()
  const dev = await startDev(config, state, '/cold-start-probe', {
    pollMs: 10,
    env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  })
  const ms = performance.now() - started
  await dev.crash()
  return ms
}

/**
 * `config` (its bindings, migrations, static assets and rules) run as `main` without a build,
 * written into `out`: its relative `migrations_dir` and assets `directory` made absolute.
 */
function unbundled(config: string, main: string, out: string): string {
  const text = readFileSync(config, 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(main)}\nno_bundle = true\nfind_additional_modules = true`)
    .replace(
      /^(migrations_dir|directory) = "(.*)"$/gm,
      (_, key: string, dir: string) => `${key} = ${JSON.stringify(path.resolve(path.dirname(config), dir))}`,
    )
  writeFileSync(out, text)
  return out
}

/** A one-line Worker that also exports every Durable Object class `config` binds, each empty. */
function boundWorker(config: string): string {
  const classes = [...readFileSync(config, 'utf8').matchAll(/^class_name = "(\w+)"$/gm)].map((match) => match[1])
  return [
    'export default { fetch: () => new Response("ok"), queue() {}, scheduled() {}, email() {} }',
    ...classes.map((name) => `export class ${name} { fetch() { return new Response("ok") } }`),
    '',
  ].join('\n')
}

/** The bundle row and the cold-start row (`rounds` fresh starts of each Worker, alternated). */
export async function coldStartRows(rounds: number, config = path.join(ROOT, 'wrangler.toml')): Promise<Row[]> {
  const out = mkdtempSync(path.join(tmpdir(), 'edgeflow-cold-'))
  try {
    const bundle = bundleOf(config, path.join(out, 'bundle'))
    const edgeflowConfig = unbundled(config, path.join(out, 'bundle', 'index.js'), path.join(out, 'edgeflow.toml'))
    // the same bindings, none of the code: what starting the bindings costs
    writeFileSync(path.join(out, 'bound.js'), boundWorker(config))
    const boundConfig = unbundled(config, path.join(out, 'bound.js'), path.join(out, 'bound.toml'))
    // the bare Worker: one file answering every request, under the same `wrangler dev`
    const bare = path.join(out, 'bare.toml')
    writeFileSync(path.join(out, 'bare.js'), 'export default { fetch: () => new Response("ok") }\n')
    writeFileSync(bare, 'name = "bare"\nmain = "bare.js"\nno_bundle = true\ncompatibility_date = "2026-08-22"\n')
    const times = { edgeflow: [] as number[], bare: [] as number[], bound: [] as number[] }
    for (let round = 0; round < rounds; round += 1) {
      times.bare.push(await coldStart(bare, path.join(out, `bare-${round}`)))
      times.bound.push(await coldStart(boundConfig, path.join(out, `bound-${round}`)))
      times.edgeflow.push(await coldStart(edgeflowConfig, path.join(out, `edgeflow-${round}`)))
    }
    const [edgeflow, reference, bound] = [stats(times.edgeflow), stats(times.bare), stats(times.bound)]
    const samples = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(', ')
    return [
      {
        id: 'bundle',
        scenario: 'bundle: what `wrangler deploy --dry-run` uploads, gzip',
        value: bundle.gzipKiB,
        unit: 'KiB',
        note: `${bundle.uploadKiB} KiB before gzip; largest modules (KiB minified): ${bundle.top
          .map(({ module, kib }) => `${module} ${kib}`)
          .join(', ')}`,
      },
      {
        id: 'cold-start',
        scenario: 'cold start: a fresh `wrangler dev` of the upload, from spawn to its first answer',
        value: edgeflow.p50,
        unit: 'ms p50',
        latency: edgeflow,
        bare: reference.p50,
        note: [
          `+${((edgeflow.p50 - reference.p50) / 1000).toFixed(2)} s over the bare Worker's in the same run,`,
          `+${((edgeflow.p50 - bound.p50) / 1000).toFixed(2)} s over a one-line Worker with the same bindings (${(bound.p50 / 1000).toFixed(2)} s);`,
          `samples (s): edgeflow ${samples(times.edgeflow)}; bare ${samples(times.bare)}; bindings only ${samples(times.bound)}`,
        ].join(' '),
      },
    ]
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const config = path.resolve(process.argv[2] ?? path.join(ROOT, 'wrangler.toml'))
  for (const row of await coldStartRows(Number(process.argv[3] ?? 3), config)) console.log(JSON.stringify(row))
}
