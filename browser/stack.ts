/**
 * The dashboard as a person gets it: edgeflow under `wrangler dev` on a free 127.0.0.1 port (its
 * own state directory, migrated), the local HTTP target, and Debian's Chromium driven by
 * playwright-core. `stop()` ends all three.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { applyMigrations, type Dev, ROOT, startDev } from '../bench/stack.ts'
import { startTarget, type Target } from '../bench/target.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface Stack {
  url: string
  target: Target
  dev: Dev
  browser: Browser
  /** The API token when the stack runs with one. */
  token: string | undefined
  /** A request to the REST API (with the token when there is one). */
  api(method: string, path: string, body?: unknown): Promise<Response>
  stop(): Promise<void>
}

export async function startStack(options: { token?: string } = {}): Promise<Stack> {
  // before starting anything, which a failed launch would leave running
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`)
  const state = mkdtempSync(path.join(tmpdir(), 'edgeflow-browser-'))
  const config = path.join(ROOT, 'wrangler.toml')
  applyMigrations(config, state)
  const vars: Record<string, string> = options.token ? { API_TOKEN: options.token } : { ALLOW_ANONYMOUS_API: 'true' }
  const [target, dev, browser] = await Promise.all([
    startTarget(),
    startDev(config, state, '/api/openapi.json', { vars }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] }),
  ])
  const api = (method: string, route: string, body?: unknown) =>
    fetch(`${dev.url}${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  return {
    url: dev.url,
    target,
    dev,
    browser,
    token: options.token,
    api,
    stop: async () => {
      await Promise.allSettled([browser.close(), dev.stop(), target.close()])
      rmSync(state, { recursive: true, force: true })
    },
  }
}
