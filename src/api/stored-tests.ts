/**
 * @module The test cases stored with a flow (docs/testing-flows.md, Tests stored with a flow):
 * `PUT`, `GET` and `DELETE /api/flows/:id/tests`, and `POST /api/flows/:id/tests/run`, which runs
 * them against the flow's latest revision as `POST /api/flows/:id/test` runs a document it is sent.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import * as z from 'zod'
import type { Env } from '../env'
import { TestCase } from '../flowtest/document'
import { deleteFlowTests, getFlowTests, putFlowTests } from '../store/d1/flow-tests'
import { getFlow } from '../store/d1/flows'
import { refuseInvalid, notFound } from './errors'
import { documentOf, invalid, refuseDefinition, refuseUnknownTasks, runCases, type Tested } from './flow-tests'
import { deleteFlowTestsRoute, getFlowTestsRoute, putFlowTestsRoute, runFlowTestsRoute } from './routes/flow-tests'

export const storedTests = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })

/** The flow whose tests these are, as its latest revision is tested; 404 when there is none. */
async function testedFlow(env: Env, id: string): Promise<Tested> {
  const flow = await getFlow(env.DB, id)
  if (!flow) throw notFound(`flow ${id}`)
  return { flowId: id, revision: flow.latestRevision, definition: flow.definition }
}

const answer = (flowId: string, row: { cases: unknown[]; updatedAt: number } | undefined) => ({
  flowId,
  cases: row?.cases ?? [],
  updatedAt: row ? new Date(row.updatedAt).toISOString() : null,
})

storedTests.openapi(getFlowTestsRoute, async (c) => {
  const { id } = c.req.valid('param')
  await testedFlow(c.env, id)
  return c.json(answer(id, await getFlowTests(c.env.DB, id)), 200)
})

storedTests.openapi(putFlowTestsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const { document, sent } = await documentOf(c.req.raw)
  refuseDefinition(document)
  if (document.flow !== undefined && document.flow !== id)
    throw invalid('invalid test document', [{ path: 'flow', message: `tests flow ${document.flow}, not ${id}` }])
  refuseUnknownTasks(await testedFlow(c.env, id), document.cases)
  // as sent, defaults unwritten: what GET gives back is what was stored
  const { cases } = sent as { cases: unknown[] }
  const now = Date.now()
  await putFlowTests(c.env.DB, id, cases, now)
  return c.json(answer(id, { cases, updatedAt: now }), 200)
})

storedTests.openapi(deleteFlowTestsRoute, async (c) => {
  const { id } = c.req.valid('param')
  await testedFlow(c.env, id)
  await deleteFlowTests(c.env.DB, id)
  return c.body(null, 204)
})

storedTests.openapi(runFlowTestsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const flow = await testedFlow(c.env, id)
  const row = await getFlowTests(c.env.DB, id)
  if (!row) throw notFound(`tests of flow ${id}`)
  // validated when stored; a case of an older shape is refused here as a request would be
  const cases = z.array(TestCase).safeParse(row.cases)
  if (!cases.success) throw invalid('the stored cases are no longer valid: store them again', [])
  return c.json(await runCases(c.env, flow, cases.data), 200)
})
