/**
 * @module Flow tests (docs/testing-flows.md): `POST /api/flows/:id/test` runs a test document's
 * cases against the flow's latest revision, `POST /api/tests` against an inline definition. Each
 * case runs in an execution object of its own (`runTest`) and is checked here against what it
 * expects (flowtest/check.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Env } from '../env'
import { compiledRevision } from '../flow/cache'
import { FlowInvalid, validateFlow } from '../flow/compile'
import type { FlowDefinition } from '../flow/schema'
import { checkCase } from '../flowtest/check'
import { type TestCase, TestDocument } from '../flowtest/document'
import { unknownTasks } from '../flowtest/references'
import { newExecutionId, runTest, triggerInput } from '../objects/stubs'
import type { CaseReport, TestReport } from '../shapes/test-report'
import { getFlow } from '../store/d1/flows'
import { ApiError, notFound, parseOr400, refuseInvalid } from './errors'
import { jsonOrYamlBody } from './input'
import { testDefinitionRoute, testFlowRoute } from './routes/flow-tests'

export const flowTests = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })

/** Cases run at once (each an object of its own). */
const PARALLEL_CASES = 4

const invalid = (message: string, issues: { path: string; message: string }[]) =>
  new ApiError({ status: 400, code: 'invalid_request', message, issues })

const tooDeep = () => invalid('the test document nests too deep', [{ path: '', message: 'nests too deep' }])

async function documentOf(request: Request): Promise<TestDocument> {
  return parseOr400(TestDocument, await jsonOrYamlBody(request, tooDeep), 'invalid_request', 'test document')
}

interface Tested {
  flowId: string | null
  revision: number
  definition: FlowDefinition
}

/** Runs every case (a few at a time) and checks each against its expectations. */
async function runCases(env: Env, flow: Tested, cases: readonly TestCase[]): Promise<TestReport> {
  const compiled = compiledRevision(flow.flowId, flow.revision, flow.definition)
  const issues = unknownTasks(new Set(compiled.tasks.keys()), cases)
  if (issues.length > 0) throw invalid('the test document names tasks the flow does not have', issues)
  const reports: CaseReport[] = []
  for (let at = 0; at < cases.length; at += PARALLEL_CASES) {
    reports.push(...(await Promise.all(cases.slice(at, at + PARALLEL_CASES).map((each) => runCase(env, flow, each)))))
  }
  const failed = reports.filter((report) => !report.passed).length
  return { passed: failed === 0, total: reports.length, failed, cases: reports }
}

async function runCase(env: Env, flow: Tested, testCase: TestCase): Promise<CaseReport> {
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
  const seen = result.observation
  const differences = await checkCase(testCase.expect, seen)
  return {
    name: testCase.name,
    passed: differences.length === 0,
    differences,
    status: seen.status,
    output: seen.output,
    error: seen.error,
    tasks: seen.runs.map(({ taskId, status, attempts }) => ({ taskId, status, attempts })),
    requests: seen.requests,
    virtualMs: seen.virtualMs,
  }
}

flowTests.openapi(testFlowRoute, async (c) => {
  const { id } = c.req.valid('param')
  const document = await documentOf(c.req.raw)
  if (document.definition !== undefined) {
    const message = 'a stored flow is tested as it is stored: send an inline definition to POST /api/tests'
    throw invalid('invalid test document', [{ path: 'definition', message }])
  }
  const flow = await getFlow(c.env.DB, id)
  if (!flow) throw notFound(`flow ${id}`)
  const tested = { flowId: id, revision: flow.latestRevision, definition: flow.definition }
  return c.json(await runCases(c.env, tested, document.cases), 200)
})

flowTests.openapi(testDefinitionRoute, async (c) => {
  const document = await documentOf(c.req.raw)
  if (document.definition === undefined)
    throw invalid('invalid test document', [{ path: 'definition', message: 'the flow definition to test is required' }])
  let definition: FlowDefinition
  try {
    definition = validateFlow(document.definition, c.env)
  } catch (error) {
    if (!(error instanceof FlowInvalid)) throw error
    const issues = error.issues.map((issue) => ({
      ...issue,
      path: issue.path ? `definition.${issue.path}` : 'definition',
    }))
    throw new ApiError({ status: 400, code: 'invalid_flow', message: 'the flow definition is invalid', issues })
  }
  return c.json(await runCases(c.env, { flowId: null, revision: 0, definition }, document.cases), 200)
})
