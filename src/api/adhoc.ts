/**
 * @module `POST /api/executions`: ad-hoc runs (Mistral's standalone action executions). An inline
 * flow definition, or a single task, validated exactly as a PUT is, runs as an execution that
 * belongs to no stored flow (`flowId: null`, `trigger: "adhoc"`) and is answered as a manual trigger
 * would be. It is how a user tries an `http` task before saving a flow.
 */
import type { Context } from 'hono'
import * as z from 'zod'
import type { Env } from '../env'
import { compileFlow, FlowInvalid, validateFlow } from '../flow/compile'
import { type Issue } from '../flow/issues'
import type { FlowDefinition } from '../flow/schema'
import { launch, triggerInput } from '../objects/stubs'
import { newExecutionId } from '../objects/placed-ids'
import { ApiError, parseOr400 } from './errors'
import { JSON_BODY, parseJson, requireMediaType, utf8Body } from './input'
import { startAnswer } from './trigger'
import { secretIssues } from './webhook-signature'

/** The body: an inline flow, or one task, and the input body the run gets. */
export const AdhocRequest = z
  .strictObject({
    flow: z.unknown().optional().meta({ description: 'an inline flow definition, as a PUT takes it' }),
    task: z.unknown().optional().meta({ description: 'a single task, run as a sync flow answering its output' }),
    input: z.unknown().optional().meta({ description: 'the run input.body (default {})' }),
  })
  .refine((body) => (body.flow === undefined) !== (body.task === undefined), {
    message: 'give either "flow" (an inline definition) or "task" (a single task)',
  })

/** The id of the `return` task that answers a single task's run with its output. */
export const RESULT_TASK_ID = '__result'

/**
 * A single task as a flow: sync, answering with the task's output (or, if it fails, with the error
 * as any sync flow does).
 */
function singleTaskFlow(task: unknown): unknown {
  const id = task && typeof task === 'object' ? (task as { id?: unknown }).id : undefined
  const output = typeof id === 'string' ? `{{ outputs.\`${id}\` }}` : null
  return { mode: 'sync', tasks: [task, { id: RESULT_TASK_ID, type: 'return', body: output }] }
}

/** Issues of the single-task flow, with paths under `task` (those of the generated return task as they are). */
const underTask = (issues: Issue[]): Issue[] =>
  issues.map((issue) => ({ ...issue, path: issue.path.replace(/^tasks\.0(?=\.|$)/, 'task') }))

const invalid = (issues: Issue[]) =>
  new ApiError({ status: 400, code: 'invalid_flow', message: 'the flow definition is invalid', issues })

/** The definition of an ad-hoc run, validated as a PUT validates a flow; 400 `invalid_flow` with paths otherwise. */
function definitionOf(env: Env, body: z.output<typeof AdhocRequest>): FlowDefinition {
  const prefix = (issues: Issue[]) =>
    body.task !== undefined
      ? underTask(issues)
      : issues.map((issue) => ({ ...issue, path: issue.path ? `flow.${issue.path}` : 'flow' }))
  let definition: FlowDefinition
  try {
    definition = validateFlow(body.task !== undefined ? singleTaskFlow(body.task) : body.flow)
  } catch (error) {
    if (error instanceof FlowInvalid) throw invalid(prefix(error.issues))
    throw error
  }
  const secrets = secretIssues(env, definition.triggers)
  if (secrets.length > 0) throw invalid(prefix(secrets))
  return definition
}

const tooDeep = () => new ApiError({ status: 400, code: 'invalid_request', message: 'the request body nests too deep' })

/** Runs an inline flow or a single task once, answered as a manual trigger. */
export async function adhocRun(c: Context<{ Bindings: Env }>): Promise<Response> {
  await requireMediaType(c.req.raw, JSON_BODY)
  const body = parseOr400(
    AdhocRequest,
    await parseJson(await utf8Body(c.req.raw, 'invalid_json', 'JSON'), tooDeep),
    'invalid_request',
    'ad-hoc run',
  )
  const definition = definitionOf(c.env, body)
  const compiled = compileFlow(null, 0, definition)
  const executionId = newExecutionId(c.env, definition.placement?.jurisdiction)
  const result = await launch(c.env, {
    executionId,
    flowId: null,
    revision: 0,
    definition,
    trigger: 'adhoc',
    input: triggerInput('adhoc', body.input ?? {}, Date.now()),
    waitMs: compiled.mode === 'sync' ? compiled.syncTimeoutMs : 0,
  })
  return startAnswer(c, compiled.mode, executionId, result)
}
