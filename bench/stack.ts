/** Starts what the benchmarks measure: wrangler dev for edgeflow and for the references, on free ports. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..')
const WRANGLER = path.join(ROOT, 'node_modules', '.bin', 'wrangler')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface Dev {
  url: string
  process: ChildProcess
  stop(): Promise<void>
}

/** `wrangler dev` for a config on a free port, with its own state directory (and `extra` arguments); resolves once it answers. */
export async function startDev(config: string, persistTo: string, probe: string, extra: string[] = []): Promise<Dev> {
  const port = await freePort()
  const inspector = await freePort()
  const args = [
    'dev',
    '-c',
    config,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--persist-to',
    persistTo,
    '--log-level',
    'error',
    '--show-interactive-dev-session=false',
    ...extra,
  ]
  const child = spawn(WRANGLER, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const started = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev (${config}) exited:\n${output}`)
    try {
      const response = await fetch(`${url}${probe}`)
      await response.arrayBuffer()
      break
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 90_000) throw new Error(`wrangler dev (${config}) did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return
      process.kill(-(child.pid as number), 'SIGINT')
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          process.kill(-(child.pid as number), 'SIGKILL')
          resolve(undefined)
        }, 10_000)
        child.on('exit', () => {
          clearTimeout(timer)
          resolve(undefined)
        })
      })
    },
  }
}

export function applyMigrations(config: string, persistTo: string): void {
  execFileSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', persistTo], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, CI: 'true' },
  })
}

/** Resident memory (bytes) of every workerd process below `pid`. */
export function workerdRss(pid: number): number {
  let total = 0
  const visit = (parent: number) => {
    let children: string[] = []
    try {
      children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    } catch {
      return
    }
    for (const child of children) {
      const id = Number(child)
      try {
        const status = readFileSync(`/proc/${id}/status`, 'utf8')
        if (/^Name:\s*workerd/m.test(status)) total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
      } catch {
        // the process ended meanwhile
      }
      visit(id)
    }
  }
  visit(pid)
  return total
}

/** Bytes of every file below `dir` (SQLite files with their WAL), by file name. */
export function filesUnder(dir: string): Map<string, number> {
  const sizes = new Map<string, number>()
  const walk = (current: string) => {
    let entries: string[] = []
    try {
      entries = readdirSync(current)
    } catch {
      return
    }
    for (const entry of entries) {
      const full = path.join(current, entry)
      const stat = statSync(full)
      if (stat.isDirectory()) walk(full)
      else sizes.set(full, stat.size)
    }
  }
  walk(dir)
  return sizes
}
