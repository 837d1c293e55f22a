/**
 * Where the engine's time goes: `node bench/cpu-profile.ts <flow> [count] [concurrency]` starts the
 * product under `wrangler dev`, runs `count` executions of a bench flow (bench/scenarios.ts FLOWS:
 * thousand, each, …) with V8's sampling profiler on (through wrangler's inspector), and prints the
 * functions with the most self time, then the most total time. A sync flow (`ten`, `one`) is
 * answered by its webhook and runs `concurrency` at once (1 unless told), as the bench's sync rows
 * do; any other flow runs one after another, polled to its end. Figures are samples of one run on a
 * shared machine: read the shares, not the milliseconds. `PROFILE_REFERENCE=1` profiles the
 * references' Worker instead (a path: `/floor`, the durable floor).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as scenario from './scenarios.ts'
import { json, poll, run } from './load.ts'
import { applyMigrations, ROOT, startDev } from './stack.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; scriptId: string }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

interface Socket {
  on(event: 'open' | 'error', listener: (error?: Error) => void): void
  on(event: 'message', listener: (data: unknown) => void): void
  send(data: string): void
  close(): void
}
const WS = createRequire(import.meta.url)('ws') as new (url: string) => Socket

const flow = process.argv[2] ?? 'thousand'
const count = Number(process.argv[3] ?? 3)
const concurrency = Number(process.argv[4] ?? 1)
/** A path (`/__bench/profile/alarm`) is posted to as it is, answered like a sync flow's webhook. */
const path_ = flow.startsWith('/') ? flow : `/hooks/${flow}`
const answeredByHook =
  flow.startsWith('/') || (scenario.FLOWS as Record<string, { mode?: string }>)[flow]?.mode === 'sync'
const named = flow.replace(/\W+/g, '-')
const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-prof-'))
// PROFILE_REFERENCE=1: the references' Worker instead of the product (`/floor`, `/object`, …)
const reference = process.env.PROFILE_REFERENCE === '1'
const config = path.join(ROOT, 'bench', ...(reference ? ['reference', 'wrangler.toml'] : ['product.wrangler.toml']))
if (!reference) applyMigrations(config, state)
// PROFILE_VARS="NAME=value,…" sets vars of the product (e.g. EDGEFLOW_COUNT_ROUND_TRIPS=true)
const vars = Object.fromEntries(
  (process.env.PROFILE_VARS ?? '')
    .split(',')
    .filter(Boolean)
    .map((each) => each.split('=')),
)
const dev = await startDev(config, state, reference ? '/nothing' : '/api/flows', { vars })
try {
  const ctx = { edgeflow: dev.url, target: 'http://127.0.0.1:9' } as scenario.Context
  if (!reference) await scenario.putFlows(ctx)
  const targets = await json<{ webSocketDebuggerUrl: string }[]>(`http://127.0.0.1:${dev.inspector}/json`)
  // wrangler's inspector proxy refuses the WebSocket of Node's fetch (undici): `ws`, which wrangler brings
  const socket = new WS(targets[0]?.webSocketDebuggerUrl as string)
  await new Promise((resolve, reject) => {
    socket.on('open', resolve)
    socket.on('error', reject)
  })
  let id = 0
  const waiting = new Map<number, (result: unknown) => void>()
  socket.on('message', (message) => {
    const data = JSON.parse(String(message)) as { id?: number; result?: unknown }
    if (data.id !== undefined) waiting.get(data.id)?.(data.result)
  })
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      waiting.set(++id, resolve as (result: unknown) => void)
      socket.send(JSON.stringify({ id, method, params }))
    })
  const runOnce = async () => {
    if (answeredByHook) {
      const response = await fetch(`${dev.url}${path_}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"n":1}',
      })
      if (!response.ok) throw new Error(`${flow}: ${response.status} ${await response.text()}`)
      return
    }
    const accepted = await json<{ executionId: string }>(`${dev.url}/hooks/${flow}`, { method: 'POST', body: '{}' })
    const detail = await poll<{ status: string; durationMs: number }>(
      `${dev.url}/api/executions/${accepted.executionId}`,
      (each) => ['completed', 'warning', 'failed', 'killed'].includes(each.status),
      50,
      300_000,
    )
    console.log(`${flow}: ${detail.status} in ${detail.durationMs} ms of engine time`)
  }
  // a first execution warms the isolate (compiled flow, prepared statements)
  await runOnce()
  await send('Profiler.enable')
  await send('Profiler.setSamplingInterval', { interval: 100 })
  await send('Profiler.start')
  const began = performance.now()
  await run(count, answeredByHook ? concurrency : 1, 600_000, runOnce)
  if (answeredByHook)
    console.log(`${flow}: ${count} answered, ${concurrency} at once, in ${(performance.now() - began).toFixed(0)} ms`)
  const { profile } = await send<{ profile: Profile }>('Profiler.stop')
  // the bundle wrangler built, to show each function's first line (its name alone is often anonymous)
  await send('Debugger.enable')
  const sources = new Map<string, string[]>()
  for (const scriptId of new Set(profile.nodes.map((node) => node.callFrame.scriptId))) {
    if (scriptId === '0') continue
    const { scriptSource } = await send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId })
    sources.set(scriptId, scriptSource.split('\n'))
  }
  await send('Debugger.disable')
  socket.close()
  writeFileSync(path.join(tmpdir(), `edgeflow-${named}.cpuprofile`), JSON.stringify(profile))
  // the bundle's lines by script id, to read a function the lists below name by its line only
  writeFileSync(path.join(tmpdir(), `edgeflow-${named}.sources.json`), JSON.stringify(Object.fromEntries(sources)))
  report(profile, sources)
} finally {
  await dev.stop()
  rmSync(state, { recursive: true, force: true })
}

function report(profile: Profile, sources: Map<string, string[]>): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<number, number>()
  profile.samples.forEach((sample, index) =>
    self.set(sample, (self.get(sample) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  )
  // the bundle marks each module's first line with its path (`// ../node_modules/jsonata/jsonata.js`)
  const modules = (
    sources.get(
      profile.nodes.find(
        (node) => sources.has(node.callFrame.scriptId) && (sources.get(node.callFrame.scriptId)?.length ?? 0) > 1000,
      )?.callFrame.scriptId ?? '',
    ) ?? []
  ).flatMap((line, at) => (/^\/\/ (\S+\.(?:m?js|tsx?))$/.exec(line) ? [{ at, path: line.slice(3) }] : []))
  const place = ({ callFrame: frame }: ProfileNode) => {
    if (frame.scriptId === '0' || !sources.has(frame.scriptId)) return `(native) ${frame.functionName || '(anonymous)'}`
    const module = modules.findLast((each) => each.at <= frame.lineNumber)?.path ?? '(wrangler)'
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module)
    return inPackage
      ? (inPackage[1] as string)
      : module
          .replace(/^(\.\.\/)+/, '')
          .split('/')
          .slice(0, 2)
          .join('/')
  }
  const name = ({ callFrame: frame }: ProfileNode) => {
    const line = sources.get(frame.scriptId)?.[frame.lineNumber]?.trim().slice(0, 70) ?? ''
    return `${frame.functionName || '(anonymous)'} :${frame.lineNumber + 1}  ${line}`
  }
  const selfByPlace = new Map<string, number>()
  const selfByName = new Map<string, number>()
  const totalByName = new Map<string, number>()
  let all = 0
  for (const [nodeId, micros] of self) {
    all += micros
    const node = byId.get(nodeId) as ProfileNode
    selfByName.set(name(node), (selfByName.get(name(node)) ?? 0) + micros)
    selfByPlace.set(place(node), (selfByPlace.get(place(node)) ?? 0) + micros)
    // total: once per distinct function on the stack
    const seen = new Set<string>()
    for (let at: number | undefined = nodeId; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at) as ProfileNode)
      if (seen.has(key)) continue
      seen.add(key)
      totalByName.set(key, (totalByName.get(key) ?? 0) + micros)
    }
  }
  const top = (map: Map<string, number>, title: string) => {
    console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms sampled)`)
    for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, 45))
      console.log(
        `${(micros / 1000).toFixed(1).padStart(8)} ms ${((micros / all) * 100).toFixed(1).padStart(5)} % ${(micros / 1000 / count).toFixed(3).padStart(7)} ms/run  ${key}`,
      )
  }
  top(selfByPlace, 'self time by package, source folder or native call')
  top(selfByName, 'self time')
  top(totalByName, 'total time')
}
