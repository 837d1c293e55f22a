/** @module `/api/flows`: store flows as immutable revisions, read them, disable them, trigger them by hand. */
import { OpenAPIHono } from '@hono/zod-openapi'
import {
  disableFlow,
  getFlow,
  getRevision,
  listFlows,
  listRevisions,
  putFlow,
  setNextScheduledAt,
  type StoredFlow,
} from '../store/d1/flows'
import { rememberFlow } from '../store/d1/latest-flow'
import { forgetWatchers } from '../store/d1/watchers'
import { purgeFlow } from '../store/d1/purge-flow'
import type { Env } from '../env'
import { DEFINITION_TOO_DEEP, FlowInvalid, validateFlow } from '../flow/compile'
import type { FlowDefinition, TriggerDefinition } from '../flow/schema'
import type { Issue } from '../flow/issues'
import { placesOf, syntaxPlace } from './source-lines'
import { revisionHash } from '../flow/revision'
import { ApiError, notFound, refuseInvalid } from './errors'
import { jsonOrYamlText, parsedJsonOrYaml } from './input'
import { flowToTrigger, trigger } from './trigger'
import { secretIssues } from './webhook-signature'
import { iso } from '../shapes/views'
import type { FlowCheckView, FlowView, RevisionView } from '../shapes/responses'
import {
  deleteFlowRoute,
  getFlowRoute,
  getRevisionRoute,
  listFlowsRoute,
  listRevisionsRoute,
  putFlowRoute,
  triggerFlowRoute,
  validateFlowRoute,
} from './routes/flows'

export const flows = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: refuseInvalid })

export const flowView = (flow: StoredFlow): FlowView => ({
  id: flow.id,
  revision: flow.latestRevision,
  enabled: flow.enabled,
  createdAt: iso(flow.createdAt),
  updatedAt: iso(flow.updatedAt),
  nextScheduledAt: iso(flow.nextScheduledAt),
  definition: flow.definition,
})

/** Hands the flow's schedule triggers to its scheduler (none stops it) and records the next fire time. */
async function reschedule(env: Env, id: string, triggers: TriggerDefinition[] | undefined): Promise<number | null> {
  const next = await env.SCHEDULERS.get(env.SCHEDULERS.idFromName(id)).configure(id, triggers ?? [])
  await setNextScheduledAt(env.DB, id, next)
  return next
}

const hasSchedule = (triggers: TriggerDefinition[] | undefined) =>
  triggers?.some((trigger) => trigger.type === 'schedule') ?? false

const tooDeep = () => new FlowInvalid([{ path: '', message: DEFINITION_TOO_DEEP }])

/** The definition in a request body's text parsed: JSON, or YAML with a YAML content type. */
const parsedSource = (source: { text: string; yaml: boolean }) => parsedJsonOrYaml(source, tooDeep)

/**
 * A definition with every check of PUT passed (schema, expressions, the secrets it names), or
 * `FlowInvalid` with every issue: the Worker reads its secrets now, so that a flow that names an
 * unset secret, or a webhook that could never check a signature, is refused before it is stored.
 */
function checkedDefinition(raw: unknown, env: Env): FlowDefinition {
  const definition = validateFlow(raw, env)
  const secrets = secretIssues(env, definition.triggers)
  if (secrets.length > 0) throw new FlowInvalid(secrets)
  return definition
}

flows.openapi(putFlowRoute, async (c) => {
  const { id } = c.req.valid('param')
  let definition
  try {
    definition = checkedDefinition(await parsedSource(await jsonOrYamlText(c.req.raw)), c.env)
  } catch (error) {
    if (error instanceof FlowInvalid)
      throw new ApiError({
        status: 400,
        code: 'invalid_flow',
        message: 'the flow definition is invalid',
        issues: error.issues,
      })
    throw error
  }
  const result = await putFlow(c.env.DB, id, definition, await revisionHash(definition), Date.now())
  const scheduled = hasSchedule(definition.triggers) || hasSchedule(result.previous?.definition.triggers)
  const flow = scheduled
    ? { ...result.flow, nextScheduledAt: await reschedule(c.env, id, definition.triggers) }
    : result.flow
  rememberFlow(id, flow)
  forgetWatchers()
  return c.json({ ...flowView(flow), changed: result.changed }, result.created ? 201 : 200)
})

/** What PUT would say of a text, each issue at its line: a syntax error where parsing stopped. */
async function checkSource(source: { text: string; yaml: boolean }, env: Env): Promise<FlowCheckView> {
  let raw: unknown
  try {
    raw = await parsedSource(source)
  } catch (error) {
    if (error instanceof FlowInvalid) return { valid: false, issues: placed(source.text, error.issues) }
    if (!(error instanceof ApiError)) throw error
    return { valid: false, issues: [{ path: '', message: error.message, ...syntaxPlace(source.text, source.yaml) }] }
  }
  try {
    checkedDefinition(raw, env)
    return { valid: true, issues: [] }
  } catch (error) {
    if (error instanceof FlowInvalid) return { valid: false, issues: placed(source.text, error.issues) }
    throw error
  }
}

/** Issues with the line and column of the field each names (null where it cannot be found). */
function placed(text: string, issues: readonly Issue[]): FlowCheckView['issues'] {
  const places = placesOf(
    text,
    issues.map((issue) => issue.path),
  )
  return issues.map((issue, index) => ({
    ...issue,
    line: places?.[index]?.line ?? null,
    column: places?.[index]?.column ?? null,
  }))
}

flows.openapi(validateFlowRoute, async (c) => c.json(await checkSource(await jsonOrYamlText(c.req.raw), c.env), 200))

flows.openapi(listFlowsRoute, async (c) => {
  const query = c.req.valid('query')
  const items = await listFlows(c.env.DB, query.cursor ?? null, query.limit)
  return c.json(
    {
      items: items.map(flowView),
      nextCursor: items.length === query.limit ? (items.at(-1)?.id ?? null) : null,
    },
    200,
  )
})

flows.openapi(getFlowRoute, async (c) => {
  const { id } = c.req.valid('param')
  const flow = await getFlow(c.env.DB, id)
  if (!flow) throw notFound(`flow ${id}`)
  return c.json(flowView(flow), 200)
})

const revisionView = (row: Awaited<ReturnType<typeof listRevisions>>[number]): RevisionView => ({
  id: row.flowId,
  revision: row.revision,
  hash: row.hash,
  createdAt: iso(row.createdAt),
  definition: row.definition,
})

flows.openapi(listRevisionsRoute, async (c) => {
  const { id } = c.req.valid('param')
  const rows = await listRevisions(c.env.DB, id)
  if (rows.length === 0) throw notFound(`flow ${id}`)
  return c.json({ items: rows.map(revisionView), nextCursor: null }, 200)
})

flows.openapi(getRevisionRoute, async (c) => {
  const { id, revision } = c.req.valid('param')
  const row = await getRevision(c.env.DB, id, revision)
  if (!row) throw notFound(`revision ${revision} of flow ${id}`)
  return c.json(revisionView(row), 200)
})

/** Deletes a flow and its revisions for good, its schedules stopped; its ended executions stay for their retention. */
async function deleteForGood(env: Env, id: string): Promise<void> {
  const result = await purgeFlow(env.DB, id)
  if (!result.ok && result.code === 'not_found') throw notFound(`flow ${id}`)
  if (!result.ok) {
    const message = `flow ${id} has executions that have not ended, ${result.executionId} among them: kill them or wait for them to end`
    throw new ApiError({ status: 409, code: 'not_final', message })
  }
  await env.SCHEDULERS.get(env.SCHEDULERS.idFromName(id)).configure(id, [])
  rememberFlow(id, null)
  forgetWatchers()
}

flows.openapi(deleteFlowRoute, async (c) => {
  const { id } = c.req.valid('param')
  const { purge } = c.req.valid('query')
  if (purge) {
    await deleteForGood(c.env, id)
    return c.body(null, 204)
  }
  if (!(await disableFlow(c.env.DB, id, Date.now()))) throw notFound(`flow ${id}`)
  const flow = (await getFlow(c.env.DB, id)) ?? null
  if (hasSchedule(flow?.definition.triggers)) await reschedule(c.env, id, [])
  rememberFlow(id, flow && { ...flow, nextScheduledAt: null })
  forgetWatchers()
  return c.body(null, 204)
})

flows.openapi(triggerFlowRoute, async (c) => {
  const { id } = c.req.valid('param')
  const flow = await flowToTrigger(c, id)
  if (!flow?.enabled) throw notFound(`flow ${id}`)
  return trigger(c, flow, 'manual')
})
