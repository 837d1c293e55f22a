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
import type { TriggerDefinition } from '../flow/schema'
import { revisionHash } from '../flow/revision'
import { ApiError, notFound, refuseInvalid } from './errors'
import { jsonOrYamlBody } from './input'
import { flowToTrigger, trigger } from './trigger'
import { secretIssues } from './webhook-signature'
import { iso } from '../shapes/views'
import type { FlowView, RevisionView } from '../shapes/responses'
import {
  deleteFlowRoute,
  getFlowRoute,
  getRevisionRoute,
  listFlowsRoute,
  listRevisionsRoute,
  putFlowRoute,
  triggerFlowRoute,
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

/** The definition in a request body: JSON, or YAML with a YAML content type. */
const definitionOf = (request: Request) => jsonOrYamlBody(request, tooDeep)

flows.openapi(putFlowRoute, async (c) => {
  const { id } = c.req.valid('param')
  let definition
  try {
    // a secret the flow names literally must be set: better refused now than failing every execution
    definition = validateFlow(await definitionOf(c.req.raw), c.env)
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
  // the Worker reads its secrets now, so that a webhook that could never check a signature is refused here
  const secrets = secretIssues(c.env, definition.triggers)
  if (secrets.length > 0)
    throw new ApiError({
      status: 400,
      code: 'invalid_flow',
      message: 'the flow definition is invalid',
      issues: secrets,
    })
  const result = await putFlow(c.env.DB, id, definition, await revisionHash(definition), Date.now())
  const scheduled = hasSchedule(definition.triggers) || hasSchedule(result.previous?.definition.triggers)
  const flow = scheduled
    ? { ...result.flow, nextScheduledAt: await reschedule(c.env, id, definition.triggers) }
    : result.flow
  rememberFlow(id, flow)
  forgetWatchers()
  return c.json({ ...flowView(flow), changed: result.changed }, result.created ? 201 : 200)
})

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
