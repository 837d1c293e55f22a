/**
 * Two builds of the product side by side, for A/B runs (bench/ab.ts, bench/lateness-ab.ts): the
 * other checkout's (A) and this one's (B), each its own `wrangler dev` and storage, with the bench's
 * flows stored and a local target for their calls. `close` stops both and removes their storage.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as scenario from './scenarios.ts'
import { applyMigrations, ROOT, startDev, type Dev } from './stack.ts'
import { startTarget } from './target.ts'

export interface Build {
  name: 'A' | 'B'
  /** The checkout it was built from. */
  root: string
  dev: Dev
  ctx: scenario.Context
}

export async function startBuilds(other: string): Promise<{ builds: Build[]; close: () => Promise<void> }> {
  const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-ab-'))
  const target = await startTarget()
  const builds: Build[] = []
  const close = async () => {
    await Promise.all([...builds.map(({ dev }) => dev.stop()), target.close()])
    rmSync(state, { recursive: true, force: true })
  }
  try {
    for (const [name, root] of [
      ['A', path.resolve(other)],
      ['B', ROOT],
    ] as const) {
      const config = path.join(root, 'bench', 'product.wrangler.toml')
      const productState = path.join(state, name)
      applyMigrations(config, productState)
      const dev = await startDev(config, productState, '/api/flows')
      const ctx: scenario.Context = {
        edgeflow: dev.url,
        reference: '',
        target: target.url,
        productPid: dev.process.pid as number,
        referencePid: 0,
        productState,
        referenceState: '',
        scale: 1,
      }
      builds.push({ name, root, dev, ctx })
      await scenario.putFlows(ctx)
    }
  } catch (error) {
    await close()
    throw error
  }
  return { builds, close }
}
