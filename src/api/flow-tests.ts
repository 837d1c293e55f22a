/**
 * @module Flow tests (docs/testing-flows.md): `POST /api/flows/:id/test` runs a test document's
 * cases against the flow's latest revision, `POST /api/tests` against an inline definition. Each
 * case runs in an execution object of its own (`runTest`) and is checked here against what it
 * expects (flowtest/check.ts). `POST /api/tests/replay` replays a recorded execution the same way,
 * its recorded I/O as the mocks (flowtest/replay.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Env } from '../env'
import { compiledRevision } from '../flow/cache'
import { FlowInvalid, validateFlow } from '../flow/compile'
import type { FlowDefinition } from '../flow/schema'
import { checkCase, type Difference } from '../flowtest/check'
import { type TestCase, TestDocument } from '../flowtest/document'
import type { Observation } from '../flowtest/observation'
import { unknownTasks } from '../flowtest/references'
import { changeDifferences, replayCase, replayChanges, ReplayRequest } from '../flowtest/replay'
import { runTest, triggerInput } from '../objects/stubs'
import { newExecutionId } from '../objects/placed-ids'
import type { CaseReport, ReplayReport, TestReport } from '../shapes/test-report'
import { getFlow, getRevision } from '../store/d1/flows'
import { ApiError, notFound, parseOr400, refuseInvalid } from './errors'
import { jsonOrYamlBody } from './input'
import { replayRecordRoute, testDefinitionRoute, testFlowRoute } from './routes/flow-tests'

export const flowTests = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })

/** Cases run at once (each an object of its own). */
const PARALLEL_CASES = 4

export const invalid = (message: string, issues: { path: string; message: string }[]) =>
  new ApiError({ status: 400, code: 'invalid_request', message, issues })

const tooDeep = () => invalid('the test document nests too deep', [{ path: '', message: 'nests too deep' }])

/** The test document a request holds: parsed, and as it was sent (what a flow stores). */
export async function documentOf(request: Request): Promise<{ document: TestDocument; sent: unknown }> {
  const sent = await jsonOrYamlBody(request, tooDeep)
  return { document: parseOr400(TestDocument, sent, 'invalid_request', 'test document'), sent }
}

/** A stored flow's test document names no definition: the flow is tested as it is stored. */
export function refuseDefinition(document: TestDocument): void {
  if (document.definition === undefined) return
  const message = 'a stored flow is tested as it is stored: send an inline definition to POST /api/tests'
  throw invalid('invalid test document', [{ path: 'definition', message }])
}

export interface Tested {
  flowId: string | null
  revision: number
  definition: FlowDefinition
}

/** Refuses (400, with paths) mocks and expectations that name tasks the flow does not have. */
export function refuseUnknownTasks(flow: Tested, cases: readonly TestCase[]): void {
  const compiled = compiledRevision(flow.flowId, flow.revision, flow.definition)
  const issues = unknownTasks(new Set(compiled.tasks.keys()), cases)
  if (issues.length > 0) throw invalid('the test document names tasks the flow does not have', issues)
}

/** Runs every case (a few at a time) and checks each against its expectations. */
export async function runCases(env: Env, flow: Tested, cases: readonly TestCase[]): Promise<TestReport> {
  refuseUnknownTasks(flow, cases)
  const reports: CaseReport[] = []
  for (let at = 0; at < cases.length; at += PARALLEL_CASES) {
    reports.push(...(await Promise.all(cases.slice(at, at + PARALLEL_CASES).map((each) => runCase(env, flow, each)))))
  }
  const failed = reports.filter((report) => !report.passed).length
  return { passed: failed === 0, total: reports.length, failed, cases: reports }
}

/** Runs one case in a fresh execution object: what its execution did. */
async function observe(env: Env, flow: Tested, testCase: TestCase): Promise<Observation> {
  // outside any jurisdiction: a case's input is the document's own, erased after the case, and a
  // flow placed in one is then testable where there are none (wrangler dev)
  const executionId = newExecutionId(env)
  const headers = Object.fromEntries(
    Object.entries(testCase.input.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  )
  const input = { ...triggerInput('test', testCase.input.body ?? {}, Date.now()), headers }
  const result = await runTest(env, {
    executionId,
    ...flow,
    input,
    mocks: testCase.mocks,
    events: testCase.events,
  })
  if (!result.ok) throw new ApiError({ status: 500, code: 'internal', message: result.message })
  return result.observation
}

const caseReport = (name: string, seen: Observation, differences: Difference[]): CaseReport => ({
  name,
  passed: differences.length === 0,
  differences,
  status: seen.status,
  output: seen.output,
  error: seen.error,
  tasks: seen.runs.map(({ taskId, status, attempts }) => ({ taskId, status, attempts })),
  requests: seen.requests,
  virtualMs: seen.virtualMs,
})

async function runCase(env: Env, flow: Tested, testCase: TestCase): Promise<CaseReport> {
  const seen = await observe(env, flow, testCase)
  return caseReport(testCase.name, seen, await checkCase(testCase.expect, seen))
}

/** An inline definition, validated as a PUT validates it; 400 `invalid_flow` with paths under `definition`. */
function inlineDefinition(env: Env, raw: unknown): FlowDefinition {
  try {
    return validateFlow(raw, env)
  } catch (error) {
    if (!(error instanceof FlowInvalid)) throw error
    const issues = error.issues.map((issue) => ({
      ...issue,
      path: issue.path ? `definition.${issue.path}` : 'definition',
    }))
    throw new ApiError({ status: 400, code: 'invalid_flow', message: 'the flow definition is invalid', issues })
  }
}

flowTests.openapi(testFlowRoute, async (c) => {
  const { id } = c.req.valid('param')
  const { document } = await documentOf(c.req.raw)
  refuseDefinition(document)
  const flow = await getFlow(c.env.DB, id)
  if (!flow) throw notFound(`flow ${id}`)
  const tested = { flowId: id, revision: flow.latestRevision, definition: flow.definition }
  return c.json(await runCases(c.env, tested, document.cases), 200)
})

flowTests.openapi(testDefinitionRoute, async (c) => {
  const { document } = await documentOf(c.req.raw)
  if (document.definition === undefined)
    throw invalid('invalid test document', [{ path: 'definition', message: 'the flow definition to test is required' }])
  const definition = inlineDefinition(c.env, document.definition)
  return c.json(await runCases(c.env, { flowId: null, revision: 0, definition }, document.cases), 200)
})

/** The flow a replay runs on: the inline definition, else a revision of the record's flow (default: the one it ran). */
async function replayedFlow(env: Env, request: ReplayRequest): Promise<Tested> {
  const { record } = request
  if (request.definition !== undefined)
    return { flowId: record.flowId, revision: 0, definition: inlineDefinition(env, request.definition) }
  const revision = request.revision ?? record.revision
  if (record.flowId === null || revision === null) {
    const message = 'an ad-hoc execution has no stored flow: give the definition to replay it on'
    throw invalid('invalid replay', [{ path: 'definition', message }])
  }
  const row = await getRevision(env.DB, record.flowId, revision)
  if (!row) throw notFound(`revision ${revision} of flow ${record.flowId}`)
  return { flowId: record.flowId, revision, definition: row.definition }
}

flowTests.openapi(replayRecordRoute, async (c) => {
  const request = parseOr400(ReplayRequest, await jsonOrYamlBody(c.req.raw, tooDeep), 'invalid_request', 'replay')
  const flow = await replayedFlow(c.env, request)
  const testCase = replayCase(request.record)
  const seen = await observe(c.env, flow, testCase)
  const changes = replayChanges(request.record.taskRuns, seen.runs)
  const differences = [...(await checkCase({}, seen)), ...changeDifferences(changes)]
  const report: ReplayReport = {
    unchanged: differences.length === 0,
    firstDivergence: changes.find((each) => each.change !== 'same')?.taskId ?? null,
    changes,
    replay: caseReport(testCase.name, seen, differences),
  }
  return c.json(report, 200)
})
