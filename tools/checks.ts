/**
 * The static checks of `npm test`, run at once rather than one after another (`npm run checks`):
 * the types and formatting, the layer rules, the API contract, the dashboard's generated assets and
 * the linter. Each one's output is
 * printed whole when it ends, with its time; any failure fails the run once all have ended.
 */
import { spawn } from 'node:child_process'

/** Each an npm script with its arguments. */
const CHECKS = [['typecheck'], ['boundaries'], ['contract'], ['assets', '--', '--check'], ['lint']]

interface Outcome {
  name: string
  code: number | null
  seconds: number
}

function run([script, ...args]: string[]): Promise<Outcome> {
  const name = script ?? ''
  const started = performance.now()
  const child = spawn('npm', ['run', '--silent', name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const output: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000
      const text = Buffer.concat(output).toString().trim()
      process.stdout.write(`── ${name}: ${code === 0 ? 'ok' : `failed (${code})`} in ${seconds.toFixed(1)} s\n`)
      if (text && code !== 0) process.stdout.write(`${text}\n`)
      resolve({ name, code, seconds })
    })
  })
}

const outcomes = await Promise.all(CHECKS.map(run))
const failed = outcomes.filter((outcome) => outcome.code !== 0)
if (failed.length > 0) {
  process.stdout.write(`checks failed: ${failed.map((outcome) => outcome.name).join(', ')}\n`)
  process.exitCode = 1
}
