/**
 * @module `flows test <file|flow>` (docs/testing-flows.md): which flow and which test document a
 * target names, the body that sends an inline flow with its cases, and the report as text. A test
 * document sits beside its flow: `orders.test.yaml` next to `orders.yaml`.
 */
import { access, readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Reporter } from './args.ts'
import {
  EdgeflowError,
  type EdgeflowClient,
  type FlowReplayReport,
  type FlowTestReport,
  type SourceFormat,
} from '../client/index.ts'
import { EXIT, type ExitCode } from './exit-codes.ts'
import { differenceText, shown } from './format.ts'
import { type DocumentRun, junitXml } from './junit.ts'
import { problemText } from './problems.ts'

const EXTENSIONS: Record<string, SourceFormat> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' }
const TEST_SUFFIX = '.test'

export interface Source {
  file: string
  format: SourceFormat
}

/** What to test: a flow file (tested inline, not stored) or a stored flow's id, and the test document. */
export type Plan = { flow: { file: Source } | { flowId: string }; tests: Source }

/** The flow and test files `target` names, among the files that exist (`exists`); a string says what is missing. */
export async function planOf(target: string, exists: (file: string) => Promise<boolean>): Promise<Plan | string> {
  const extension = path.extname(target).toLowerCase()
  const format = EXTENSIONS[extension]
  const beside = async (stem: string): Promise<Source | null> => {
    for (const [ext, each] of Object.entries(EXTENSIONS))
      if (await exists(stem + ext)) return { file: stem + ext, format: each }
    return null
  }
  if (format === undefined || !(await exists(target))) {
    // a flow id: its test document in the current folder, against the stored flow
    const tests = await beside(`${target}${TEST_SUFFIX}`)
    return tests
      ? { flow: { flowId: target }, tests }
      : `no ${target}${TEST_SUFFIX}.yaml (or .yml, .json) here, nor a file ${target}`
  }
  const stem = target.slice(0, -extension.length)
  if (stem.endsWith(TEST_SUFFIX)) {
    const flowStem = stem.slice(0, -TEST_SUFFIX.length)
    const flow = await beside(flowStem)
    const tests = { file: target, format }
    return flow ? { flow: { file: flow }, tests } : { flow: { flowId: path.basename(flowStem) }, tests }
  }
  const tests = await beside(`${stem}${TEST_SUFFIX}`)
  return tests
    ? { flow: { file: { file: target, format } }, tests }
    : `no test document beside ${target} (${stem}${TEST_SUFFIX}.yaml)`
}

/**
 * The body testing `flow` inline with the cases of `tests`: JSON when both are, else YAML — the test
 * document (a JSON one written key by key, JSON being YAML) and `definition:` holding the flow's text.
 */
export function inlineBody(
  tests: { text: string; format: SourceFormat },
  flow: { text: string; format: SourceFormat },
) {
  if (tests.format === 'json' && flow.format === 'json') {
    const document = JSON.parse(tests.text) as Record<string, unknown>
    return { source: JSON.stringify({ ...document, definition: JSON.parse(flow.text) }), format: 'json' as const }
  }
  const head =
    tests.format === 'json'
      ? Object.entries(JSON.parse(tests.text) as Record<string, unknown>)
          .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
          .join('\n')
      : tests.text.trimEnd()
  const body = flow.text
    .split('\n')
    .filter((line) => line.trim() !== '---')
    .map((line) => `  ${line}`)
    .join('\n')
  return { source: `${head}\ndefinition:\n${body}\n`, format: 'yaml' as const }
}

/** The report as lines: each case passed or failed, with its differences. */
export function reportText(report: FlowTestReport): string {
  const lines: string[] = []
  for (const each of report.cases) {
    lines.push(`${each.passed ? 'PASS' : 'FAIL'} ${each.name} (${each.status})`)
    for (const difference of each.differences) lines.push(`     ${differenceText(difference)}`)
  }
  lines.push(`${report.total - report.failed} passed, ${report.failed} failed`)
  return lines.join('\n')
}

/** The test documents among a folder's entries (`orders.test.yaml`, `.yml`, `.json`), sorted; hidden ones left out. */
export const testDocumentsIn = (names: readonly string[]): string[] =>
  names.filter((name) => !name.startsWith('.') && /\.test\.(ya?ml|json)$/i.test(name)).sort()

export interface TestOptions {
  /** `target` is a flow id: run the cases stored with it. */
  stored: boolean
  reporter: Reporter
  /** A file the report goes to in the reporter's format (the text report still printed). */
  output: string | undefined
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

/** Runs the test document of `plan` on the server. */
async function runPlan(client: EdgeflowClient, plan: Plan): Promise<FlowTestReport> {
  const read = async (source: Source) => ({ text: await readFile(source.file, 'utf8'), format: source.format })
  const tests = await read(plan.tests)
  if ('flowId' in plan.flow) return client.flows.testSource(plan.flow.flowId, tests.text, tests.format)
  const body = inlineBody(tests, await read(plan.flow.file))
  return client.flows.testSource(null, body.source, body.format)
}

/** Runs one test document of a folder: an API error (a bad document, a flow not stored) is its error, not the end. */
async function runDocument(client: EdgeflowClient, document: string): Promise<DocumentRun> {
  const started = Date.now()
  const plan = await planOf(document, exists)
  try {
    if (typeof plan === 'string') throw new Error(plan)
    return { document, report: await runPlan(client, plan), ms: Date.now() - started }
  } catch (error) {
    // no answer at all: the next document would get none either
    if (error instanceof EdgeflowError && error.problem.type !== 'api') throw error
    const message = error instanceof EdgeflowError ? problemText(error, null) : String(error)
    return { document, error: message, ms: Date.now() - started }
  }
}

/** The runs of a folder as lines: each document and its cases, then the totals. */
export function runsText(runs: readonly DocumentRun[]): string {
  const lines: string[] = []
  let passed = 0
  let failed = 0
  for (const run of runs) {
    lines.push(run.document)
    if ('error' in run) lines.push(...run.error.split('\n').map((line) => `  ${line}`))
    else {
      passed += run.report.total - run.report.failed
      failed += run.report.failed
      lines.push(
        ...reportText(run.report)
          .split('\n')
          .slice(0, -1)
          .map((line) => `  ${line}`),
      )
    }
  }
  const errors = runs.filter((run) => 'error' in run).length
  const broken = errors > 0 ? `, ${errors} document${errors === 1 ? '' : 's'} could not run` : ''
  lines.push(
    `${passed} passed, ${failed} failed in ${runs.length} test document${runs.length === 1 ? '' : 's'}${broken}`,
  )
  return lines.join('\n')
}

/**
 * Runs the tests `target` names — a folder's test documents (`edgeflow test examples`), or one
 * flow file, test document or stored flow (`flows test`) — and reports them; exits 3 when a case
 * fails, 1 when a document of a folder could not run.
 */
export async function testFlows(
  client: EdgeflowClient,
  target: string,
  options: TestOptions,
  io: { print(text: string): void; write(file: string, text: string): Promise<void> },
  refuse: (message: string) => never,
): Promise<ExitCode> {
  const folder = await stat(target).then(
    (found) => found.isDirectory(),
    () => false,
  )
  let runs: DocumentRun[]
  if (options.stored) {
    const started = Date.now()
    const report = await client.flows.tests.run(target)
    runs = [{ document: `${target} (stored)`, report, ms: Date.now() - started }]
  } else if (folder) {
    const documents = testDocumentsIn(await readdir(target)).map((name) => path.join(target, name))
    if (documents.length === 0) return refuse(`no test documents (*.test.yaml, .yml or .json) in ${target}`)
    runs = []
    for (const document of documents) runs.push(await runDocument(client, document))
  } else {
    const plan = await planOf(target, exists)
    if (typeof plan === 'string') return refuse(plan)
    const started = Date.now()
    runs = [{ document: plan.tests.file, report: await runPlan(client, plan), ms: Date.now() - started }]
  }
  const text = (() => {
    const [only] = runs
    return !folder && only && 'report' in only ? reportText(only.report) : runsText(runs)
  })()
  const formatted: Record<Reporter, () => string> = {
    text: () => text,
    json: () => JSON.stringify(folder ? { documents: runs } : (runs[0] as { report: FlowTestReport }).report, null, 2),
    junit: () => junitXml(runs),
  }
  const report = formatted[options.reporter]()
  if (options.output === undefined) io.print(report)
  else {
    await io.write(options.output, report.endsWith('\n') ? report : `${report}\n`)
    io.print(text)
  }
  if (runs.some((run) => 'error' in run)) return EXIT.api
  return runs.every((run) => 'report' in run && run.report.passed) ? EXIT.ok : EXIT.failed
}

/** The replay's changes as lines: each task that did not do as recorded, then the verdict. */
export function replayText(report: FlowReplayReport): string {
  const lines = report.changes
    .filter((each) => each.change !== 'same')
    .map((each) => {
      const mark = each.taskId === report.firstDivergence ? '>' : ' '
      const what = each.change === 'changed' ? `changed ${each.fields.join(', ')}` : each.change
      const values = `${shown(each.recorded?.output)} → ${shown(each.replayed?.output)}`
      return `${mark} ${each.taskId}: ${what} (${each.recorded?.status ?? '-'} → ${each.replayed?.status ?? '-'}) ${values}`
    })
  for (const difference of report.replay.differences.filter((each) => !each.path.startsWith('tasks.')))
    lines.push(`  ${difference.path}: ${difference.message}`)
  const same = report.changes.filter((each) => each.change === 'same').length
  const changed = report.changes.length - same
  lines.push(
    report.unchanged
      ? `no change (${same} tasks as recorded)`
      : `${changed} tasks changed; first at ${report.firstDivergence ?? '-'}`,
  )
  return lines.join('\n')
}

/** Replays the record in `file` on the flow file `flowFile` (else a revision of its flow); exits 3 when anything changed. */
export async function replayRecord(
  client: EdgeflowClient,
  file: string,
  on: { flowFile: string | undefined; revision: number | undefined },
  print: (text: string) => void,
  json: boolean,
): Promise<ExitCode> {
  const record = JSON.parse(await readFile(file, 'utf8')) as Parameters<EdgeflowClient['flows']['replay']>[0]
  let report: FlowReplayReport
  if (on.flowFile === undefined)
    report = await client.flows.replay(record, on.revision ? { revision: on.revision } : {})
  else {
    const format = EXTENSIONS[path.extname(on.flowFile).toLowerCase()] ?? 'json'
    const body = inlineBody(
      { text: JSON.stringify({ record }), format: 'json' },
      { text: await readFile(on.flowFile, 'utf8'), format },
    )
    report = await client.flows.replaySource(body.source, body.format)
  }
  print(json ? JSON.stringify(report, null, 2) : replayText(report))
  return report.unchanged ? EXIT.ok : EXIT.failed
}
