/**
 * @module The dashboard's operations, each one API request: kill, pause, resume, replay, deliver
 * an event, execute, disable, enable. The answer is the API's: JSON for the page script, or a
 * redirect (success) / an error page (refusal) for a plain form post.
 */
import type { Api } from './api-client'
import { problemOf, read } from './api-client'
import { type Accepted, type ApiProblem, defined, type EventAccepted, type ReplayCreated } from './api-types'
import { bodyOf, inputFields } from './core/input-form'

/** What an operation came to, for the script (`ok`, a message, maybe where to go) or a plain post. */
export interface Outcome {
  ok: boolean
  status: number
  message: string
  /** Where to go next (the new execution of a replay). */
  redirect?: string
  body?: unknown
  executionId?: string | null
  problem?: ApiProblem
}

const problemText = (problem: ApiProblem) =>
  `${problem.status} ${problem.code}: ${problem.message}${problem.issues?.length ? ` (${problem.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')})` : ''}`

const refusal = (problem: ApiProblem): Outcome => ({
  ok: false,
  status: problem.status,
  message: problemText(problem),
  problem,
})

async function refused(response: Response): Promise<Outcome> {
  return refusal(await problemOf(response))
}

/** A JSON text from a form field, or the problem with it. */
function jsonField(
  text: string | undefined,
  what: string,
): { ok: true; text: string } | { ok: false; outcome: Outcome } {
  const value = text?.trim() ? text : '{}'
  try {
    JSON.parse(value)
    return { ok: true, text: value }
  } catch (error) {
    const problem: ApiProblem = {
      status: 400,
      code: 'invalid_json',
      message: `the ${what} is not valid JSON: ${(error as Error).message}`,
    }
    return { ok: false, outcome: refusal(problem) }
  }
}

/** The body the fields of a flow's Execute form make, typed by its `input` schema (core/input-form.ts). */
async function typedBody(
  api: Api,
  flowId: string,
  form: Record<string, string>,
): Promise<{ ok: true; text: string } | { ok: false; outcome: Outcome }> {
  const flow = await read(api.client.GET('/api/flows/{id}', { params: { path: { id: flowId } } }))
  if (!flow.ok) return { ok: false, outcome: refusal(flow.problem) }
  const body = bodyOf(inputFields(defined(flow.data).definition.input) ?? [], form)
  if (body.ok) return { ok: true, text: JSON.stringify(body.body) }
  const problem = {
    status: 400,
    code: 'invalid_input',
    message: 'some fields are not what the input schema says',
    issues: body.issues,
  }
  return { ok: false, outcome: refusal(problem) }
}

export async function control(api: Api, id: string, operation: 'kill' | 'pause' | 'resume'): Promise<Outcome> {
  const response = await api.send('POST', `/api/executions/${encodeURIComponent(id)}/${operation}`)
  if (!response.ok) return refused(response)
  const body = (await response.json()) as Accepted
  return { ok: true, status: response.status, message: `${operation}: the execution is ${body.status}` }
}

export async function replay(api: Api, id: string, form: Record<string, string>): Promise<Outcome> {
  const request: { fromTaskId?: string; revision?: number } = {}
  if (form['fromTaskId']) request.fromTaskId = form['fromTaskId']
  if (form['revision']) request.revision = Number(form['revision'])
  const response = await api.send('POST', `/api/executions/${encodeURIComponent(id)}/replay`, JSON.stringify(request))
  if (!response.ok) return refused(response)
  const body = (await response.json()) as ReplayCreated
  return {
    ok: true,
    status: response.status,
    message: `replay ${body.executionId} started from ${body.fromTaskId} on revision ${body.revision}`,
    redirect: `/executions/${body.executionId}`,
    executionId: body.executionId,
  }
}

export async function deliver(api: Api, id: string, form: Record<string, string>): Promise<Outcome> {
  const payload = jsonField(form['payload'], 'payload')
  if (!payload.ok) return payload.outcome
  const name = encodeURIComponent(form['name'] ?? '')
  const response = await api.send('POST', `/api/executions/${encodeURIComponent(id)}/events/${name}`, payload.text)
  if (!response.ok) return refused(response)
  const body = (await response.json()) as EventAccepted
  return {
    ok: true,
    status: response.status,
    message: `event ${form['name']} ${body.delivered ? 'delivered' : 'kept until a wait takes it'}; the execution is ${body.status}`,
  }
}

/** A manual trigger: a sync flow answers with its output, an async one with the execution to follow. */
export async function execute(api: Api, flowId: string, form: Record<string, string>): Promise<Outcome> {
  const body = form['fields'] === 'input' ? await typedBody(api, flowId, form) : jsonField(form['body'], 'request body')
  if (!body.ok) return body.outcome
  const response = await api.send('POST', `/api/flows/${encodeURIComponent(flowId)}/executions`, body.text)
  const executionId = response.headers.get('x-execution-id')
  if (!executionId) return refused(response)
  const text = await response.text()
  let answer: unknown = text
  try {
    answer = text ? JSON.parse(text) : null
  } catch {
    // a text answer from a `return` task
  }
  const sync = response.status !== 202
  return {
    ok: true,
    status: response.status,
    message: sync ? `the flow answered ${response.status}` : `execution ${executionId} started (202)`,
    ...(sync ? { body: answer } : {}),
    executionId,
  }
}

export async function disable(api: Api, flowId: string): Promise<Outcome> {
  const response = await api.send('DELETE', `/api/flows/${encodeURIComponent(flowId)}`)
  if (!response.ok) return refused(response)
  return { ok: true, status: response.status, message: `flow ${flowId} disabled`, redirect: `/flows/${flowId}` }
}

/** Enabling is a PUT of the latest definition (the same content keeps the revision and enables the flow). */
export async function enable(api: Api, flowId: string): Promise<Outcome> {
  const current = await api.send('GET', `/api/flows/${encodeURIComponent(flowId)}`)
  if (!current.ok) return refused(current)
  const flow = (await current.json()) as { definition: unknown }
  const response = await api.send('PUT', `/api/flows/${encodeURIComponent(flowId)}`, JSON.stringify(flow.definition))
  if (!response.ok) return refused(response)
  return { ok: true, status: response.status, message: `flow ${flowId} enabled`, redirect: `/flows/${flowId}` }
}
