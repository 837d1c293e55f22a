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
  /** The port of its V8 inspector (bench/cpu-profile.ts profiles through it). */
  inspector: number
  process: ChildProcess
  stop(): Promise<void>
  /** `kill -9` of the whole process group (wrangler and its workerd), as a crash would. */
  crash(): Promise<void>
}

/**
 * `wrangler dev` for a config on a free port (or `options.port`), with its own state directory and
 * `options.vars`, wrangler's own environment variables `options.env` besides this process's;
 * resolves once it answers (asked every `options.pollMs`, 250 ms unless told).
 */
export async function startDev(
  config: string,
  persistTo: string,
  probe: string,
  options: { port?: number; vars?: Record<string, string>; env?: Record<string, string>; pollMs?: number } = {},
): Promise<Dev> {
  const port = options.port ?? (await freePort())
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
    ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ]
  const child = spawn(WRANGLER, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, ...options.env },
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const group = -(child.pid as number)
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
    if (Date.now() - started > 90_000) {
      killGroup(group)
      throw new Error(`wrangler dev (${config}) did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250))
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url,
    inspector,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      process.kill(group, 'SIGINT')
      const timer = setTimeout(() => killGroup(group), 10_000)
      await exited
      clearTimeout(timer)
    },
    crash: async () => {
      killGroup(group)
      await exited
      // workerd may outlive wrangler's exit by a moment: wait until the group has no live process
      while (liveInGroup(-group) > 0) await new Promise((resolve) => setTimeout(resolve, 50))
    },
  }
}

function killGroup(group: number): void {
  try {
    process.kill(group, 'SIGKILL')
  } catch {
    // nothing left in the group
  }
}

/** How many processes of process group `pgid` are alive (zombies waiting to be reaped do not count). */
function liveInGroup(pgid: number): number {
  let live = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // pid (comm) state ppid pgrp …: parse after the last ')' since comm may hold spaces
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(pgrp) === pgid && state !== 'Z') live += 1
    } catch {
      // the process ended meanwhile
    }
  }
  return live
}

export function applyMigrations(config: string, persistTo: string): void {
  execFileSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', persistTo], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, CI: 'true' },
  })
}

/** Resident memory (bytes) of every workerd process below `pid`. */
export const workerdRss = (pid: number): number =>
  sumOverWorkerd(pid, (id) => {
    const status = readFileSync(`/proc/${id}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
  })

/**
 * CPU time (ms, user and system, 10 ms ticks) every workerd process below `pid` used so far: what a
 * run costs in CPU is little moved by other load on the machine, unlike its latency.
 */
export const workerdCpuMs = (pid: number): number =>
  sumOverWorkerd(pid, (id) => {
    const stat = readFileSync(`/proc/${id}/stat`, 'utf8')
    // after comm: state is field 3, utime and stime fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  })

function sumOverWorkerd(pid: number, measure: (id: number) => number): number {
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
        if (readFileSync(`/proc/${id}/comm`, 'utf8').trim() === 'workerd') total += measure(id)
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
      // SQLite removes its -shm and -wal files at will: one listed a moment ago may be gone
      const stat = statSync(full, { throwIfNoEntry: false })
      if (!stat) continue
      if (stat.isDirectory()) walk(full)
      else sizes.set(full, stat.size)
    }
  }
  walk(dir)
  return sizes
}
