/**
 * @module `flows test <file|flow>` (docs/testing-flows.md): which flow and which test document a
 * target names, the body that sends an inline flow with its cases, and the report as text. A test
 * document sits beside its flow: `orders.test.yaml` next to `orders.yaml`.
 */
import { access, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { EdgeflowClient, FlowReplayReport, FlowTestReport, SourceFormat } from '../client/index.ts'
import { EXIT, type ExitCode } from './exit-codes.ts'

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

const shown = (value: unknown) => (value === undefined ? '-' : JSON.stringify(value))

/** The report as lines: each case passed or failed, with its differences. */
export function reportText(report: FlowTestReport): string {
  const lines: string[] = []
  for (const each of report.cases) {
    lines.push(`${each.passed ? 'PASS' : 'FAIL'} ${each.name} (${each.status})`)
    for (const difference of each.differences) {
      const values =
        'expected' in difference ? ` expected ${shown(difference.expected)}, got ${shown(difference.actual)}` : ''
      lines.push(`     ${difference.path}: ${difference.message}${values}`)
    }
  }
  lines.push(`${report.total - report.failed} passed, ${report.failed} failed`)
  return lines.join('\n')
}

/** Runs the tests `target` names; exits non-zero when any case fails. */
export async function testFlows(
  client: EdgeflowClient,
  target: string,
  print: (text: string) => void,
  json: boolean,
  refuse: (message: string) => never,
): Promise<ExitCode> {
  const plan = await planOf(target, (file) =>
    access(file).then(
      () => true,
      () => false,
    ),
  )
  if (typeof plan === 'string') return refuse(plan)
  const read = async (source: Source) => ({ text: await readFile(source.file, 'utf8'), format: source.format })
  const tests = await read(plan.tests)
  const report =
    'flowId' in plan.flow
      ? await client.flows.testSource(plan.flow.flowId, tests.text, tests.format)
      : await (async () => {
          const body = inlineBody(tests, await read((plan.flow as { file: Source }).file))
          return client.flows.testSource(null, body.source, body.format)
        })()
  print(json ? JSON.stringify(report, null, 2) : reportText(report))
  return report.passed ? EXIT.ok : EXIT.failed
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
