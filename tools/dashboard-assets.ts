/**
 * The dashboard's browser script and stylesheet as Cloudflare serves them: `npm run assets` writes
 * public/assets/dashboard.js from src/dashboard/assets/client.ts and every `*.client.ts` after it
 * (each a classic script, its types stripped by Node), and public/assets/dashboard.css from
 * style.css and every other `*.css` after it (so that a feature keeps its script and style in files
 * of its own), each minified by esbuild: the browser reads no comment. public/ is the Worker's
 * static assets (wrangler.toml `[assets]`), answered before the Worker runs and not part of its
 * upload (docs/performance.md, Bundle); `npm run assets -- --check` (part of `npm run checks`)
 * fails when they are not what the sources make. Committed, so that `wrangler dev`, `wrangler
 * deploy` and the vitest workers pool serve them with no build step of their own.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { stripTypeScriptTypes } from 'node:module'
import path from 'node:path'
import { transform } from 'esbuild'

const ASSETS = path.join(import.meta.dirname, '..', 'src', 'dashboard', 'assets')
const PUBLIC = path.join(import.meta.dirname, '..', 'public', 'assets')

/** `first`, then the other files of the folder whose names end with `suffix`, by name. */
async function joined(first: string, suffix: string, each: (text: string) => string): Promise<string> {
  const others = (await readdir(ASSETS)).filter((name) => name.endsWith(suffix) && name !== first).sort()
  const texts = await Promise.all([first, ...others].map((name) => readFile(path.join(ASSETS, name), 'utf8')))
  return texts.map(each).join('\n')
}

/** `text` minified; a classic script keeps its top-level names (esbuild renames none outside a module). */
async function minified(text: string, loader: 'js' | 'css'): Promise<string> {
  return (await transform(text, { loader, minify: true, charset: 'utf8' })).code
}

/** Each served file of public/assets/ and what it should hold. */
async function generated(): Promise<Record<string, string>> {
  const script = await minified(await joined('client.ts', '.client.ts', (text) => stripTypeScriptTypes(text)), 'js')
  const style = await minified(await joined('style.css', '.css', (text) => text), 'css')
  return { 'dashboard.js': script, 'dashboard.css': style }
}

const wanted = Object.entries(await generated())
if (process.argv.includes('--check')) {
  for (const [name, text] of wanted) {
    const current = await readFile(path.join(PUBLIC, name), 'utf8').catch(() => '')
    if (current !== text) {
      process.stderr.write(`public/assets/${name} is not what src/dashboard/assets/ makes: npm run assets\n`)
      process.exitCode = 1
    }
  }
} else {
  await mkdir(PUBLIC, { recursive: true })
  await Promise.all(wanted.map(([name, text]) => writeFile(path.join(PUBLIC, name), text)))
}
