/**
 * The static checks of `npm test`, run at once rather than one after another (`npm run checks`):
 * the types and formatting, the layer rules, the API contract, the dashboard's generated assets and
 * the linter. Each one's output is printed whole when it ends, with its time; any failure fails the
 * run once all have ended. With `--suites` (`npm test`) the test suites run beside them, their
 * output streamed as it comes: on two cores the checks fill the time the suites wait on workerd.
 */
import { spawn } from 'node:child_process'
import { setPriority } from 'node:os'

interface Job {
  name: string
  command: string[]
  env?: Record<string, string>
  /** Output as it comes, rather than held until the job ends. */
  stream?: boolean
  /** Lower priority: it yields the CPU to the longest jobs and fills their waits. */
  background?: boolean
}

const script = (name: string, ...args: string[]): Job => ({
  name,
  command: ['npm', 'run', '--silent', name, ...args],
  background: true,
})

const CHECKS: Job[] = [
  script('typecheck'),
  script('boundaries'),
  script('contract'),
  script('assets', '--', '--check'),
  // at full priority: one thread for ~40 CPU-seconds, it would otherwise be left alone at the end
  { ...script('lint'), background: false },
]

const SUITES: Job[] = [
  { name: 'vitest', command: ['npx', 'vitest', 'run'], env: { TEST_GROUPS: '1' }, stream: true },
  { name: 'cli', command: [process.execPath, '--test', '--test-isolation=none', 'test/cli/*.test.ts'] },
]

interface Outcome {
  name: string
  code: number | null
}

function run({ name, command, env, stream, background }: Job): Promise<Outcome> {
  const started = performance.now()
  const [program = '', ...args] = command
  const child = spawn(program, args, {
    stdio: ['ignore', stream ? 'inherit' : 'pipe', stream ? 'inherit' : 'pipe'],
    env: { ...process.env, ...env },
  })
  // before npm has started the script: the processes it starts inherit the priority
  if (background && child.pid !== undefined) setPriority(child.pid, 10)
  const output: Buffer[] = []
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk))
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000
      const text = Buffer.concat(output).toString().trim()
      process.stdout.write(`── ${name}: ${code === 0 ? 'ok' : `failed (${code})`} in ${seconds.toFixed(1)} s\n`)
      if (text && code !== 0) process.stdout.write(`${text}\n`)
      resolve({ name, code })
    })
  })
}

const jobs = process.argv.includes('--suites') ? [...SUITES, ...CHECKS] : CHECKS
const outcomes = await Promise.all(jobs.map(run))
const failed = outcomes.filter((outcome) => outcome.code !== 0)
if (failed.length > 0) {
  process.stdout.write(`failed: ${failed.map((outcome) => outcome.name).join(', ')}\n`)
  process.exitCode = 1
}
