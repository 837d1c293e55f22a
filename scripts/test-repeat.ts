/**
 * Runs the vitest suite N times in a row (`npm run test:repeat -- 10`) to show it is not flaky: every
 * failure is reported with its run, file and test, then a summary. Extra arguments go to vitest
 * (`npm run test:repeat -- 5 test/objects`). Exits 1 if any run failed.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

interface AssertionResult {
  fullName: string
  status: string
  failureMessages: string[]
}

interface FileResult {
  name: string
  status: string
  message: string
  assertionResults: AssertionResult[]
}

interface Report {
  numTotalTests: number
  numFailedTests: number
  testResults: FileResult[]
}

interface Failure {
  run: number
  file: string
  test: string
  message: string
}

const ROOT = path.join(import.meta.dirname, '..')
const [count = '10', ...vitestArgs] = process.argv.slice(2)
const runs = Number(count)
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`usage: npm run test:repeat -- <runs> [vitest arguments]; got ${JSON.stringify(count)}`)
  process.exit(2)
}

const firstLine = (text: string) => text.split('\n').find((line) => line.trim() !== '') ?? ''

/** The failures of one run: its failed tests, and its files that failed outside any test (a load error). */
function failuresOf(run: number, report: Report): Failure[] {
  return report.testResults.flatMap((file) => {
    const relative = path.relative(ROOT, file.name)
    const failed = file.assertionResults
      .filter((test) => test.status === 'failed')
      .map((test) => ({ run, file: relative, test: test.fullName, message: firstLine(test.failureMessages[0] ?? '') }))
    if (failed.length === 0 && file.status === 'failed') {
      return [{ run, file: relative, test: '(the file itself)', message: firstLine(file.message) }]
    }
    return failed
  })
}

const directory = mkdtempSync(path.join(tmpdir(), 'edgeflow-repeat-'))
const failures: Failure[] = []
const seconds: number[] = []
let greenRuns = 0
try {
  for (let run = 1; run <= runs; run++) {
    const output = path.join(directory, `run-${run}.json`)
    const started = Date.now()
    const result = spawnSync(
      'npx',
      ['vitest', 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${output}`, ...vitestArgs],
      // the workerd tests by group, as `npm test` runs them (vitest.config.ts)
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, TEST_GROUPS: '1' } },
    )
    seconds.push((Date.now() - started) / 1000)
    let found: Failure[]
    let total = 0
    try {
      const report = JSON.parse(readFileSync(output, 'utf8')) as Report
      total = report.numTotalTests
      found = failuresOf(run, report)
    } catch (error) {
      found = [{ run, file: '(no report)', test: '(vitest)', message: String(error) }]
    }
    // vitest can fail with every test green (an unhandled error after a test): that is a failure too
    if (found.length === 0 && result.status !== 0) {
      found = [{ run, file: '(run)', test: '(vitest)', message: `exited with ${result.status ?? result.signal}` }]
    }
    if (found.length === 0) greenRuns += 1
    failures.push(...found)
    const verdict = found.length === 0 ? 'green' : `${found.length} failure(s)`
    console.log(`\nrun ${run}/${runs}: ${total} tests, ${verdict}, ${seconds.at(-1)!.toFixed(1)} s`)
    for (const failure of found)
      console.log(`  ✗ run ${run} ${failure.file} › ${failure.test}\n      ${failure.message}`)
  }
} finally {
  rmSync(directory, { recursive: true, force: true })
}

const sorted = [...seconds].sort((a, b) => a - b)
const median = sorted[Math.floor((sorted.length - 1) / 2)]!
console.log(`\n${greenRuns}/${runs} runs green; median ${median.toFixed(1)} s a run`)
if (failures.length > 0) {
  console.log('failures:')
  for (const failure of failures) console.log(`  run ${failure.run}: ${failure.file} › ${failure.test}`)
}
process.exit(failures.length === 0 ? 0 : 1)
