/**
 * @module Starting an execution from an HTTP request and answering as docs/architecture.md (Life of a trigger) says: a sync flow
 * answers with its output once decided, an async flow (or a sync one past `syncTimeout`) with 202.
 */
import type { Context } from 'hono'
import type { StoredFlow } from '../store/d1/flows'
import { deliveryExecutionId, idempotentExecutionId, sha256 } from '../domain/ids'
import { launch, traceOf, triggerInput } from '../objects/stubs'
import { namedExecutionId, newExecutionId } from '../objects/placed-ids'
import type { ExecutionStatus, Mode, Output, Trigger } from '../domain/types'
import type { StartResult } from '../objects/contract'
import type { Env } from '../env'
import type { Jurisdiction } from '../flow/placement'
import { compiledRevision } from '../flow/cache'
import { acceptedParts, EXECUTION_HEADER } from './accepted'
import { latestFlow } from '../store/d1/latest-flow'
import { ApiError } from './errors'
import { BOOKMARK_HEADER } from './middleware/d1-session'
import { checkRateLimit, concurrencyRejected, inputRefused } from './flow-control'
import { readBody, requestInput } from './input'
import { log } from '../log'
import { gather } from '../objects/gatherers'
import type { GatherAnswer } from '../objects/gatherer-object'

/**
 * The flow a trigger starts, as the isolate remembers it (a stale entry is read again after the
 * answer), or read through the request's D1 session when it carries the bookmark of a write.
 */
export const flowToTrigger = (c: Context<{ Bindings: Env }>, flowId: string): Promise<StoredFlow | null> =>
  latestFlow(c.env.DB, flowId, {
    refreshLater: (refresh) =>
      c.executionCtx.waitUntil(
        refresh.catch((error: unknown) => log.error('could not refresh a flow', { flowId }, error)),
      ),
    fresh: c.req.header(BOOKMARK_HEADER) !== undefined,
  })

/** The execution a deduplicated trigger names, and the header that named it. */
interface Dedup {
  executionId: string
  header: 'Idempotency-Key' | 'webhook-id'
}

/** Why a repeated trigger was refused, in the words of the header its sender used. */
const MISMATCH: Record<Dedup['header'], string> = {
  'webhook-id':
    'this webhook-id was delivered before with another body: a redelivery sends the same body, a new message a new webhook-id',
  'Idempotency-Key':
    'this Idempotency-Key was used before with another request: a retry sends the same method and body, a new request a new key',
}

/**
 * A signed delivery is deduplicated by its `webhook-id` alone: the signature covers that id but not an
 * Idempotency-Key, so honouring one would let whoever captured a signed request replay it as a new
 * execution (within the signature's tolerance) just by sending another key.
 */
async function dedupOf(
  c: Context<{ Bindings: Env }>,
  flowId: string,
  jurisdiction: Jurisdiction | undefined,
  deliveryId: string | undefined,
): Promise<Dedup | null> {
  if (deliveryId !== undefined) {
    const executionId = namedExecutionId(c.env, await deliveryExecutionId(flowId, deliveryId), jurisdiction)
    return { executionId, header: 'webhook-id' }
  }
  const key = c.req.header('idempotency-key')
  if (!key) return null
  return {
    executionId: namedExecutionId(c.env, await idempotentExecutionId(flowId, key), jurisdiction),
    header: 'Idempotency-Key',
  }
}

/** Starts an execution of `flow` from the request; a signed delivery passes its `webhook-id` as `deliveryId`. */
export async function trigger(
  c: Context<{ Bindings: Env }>,
  flow: StoredFlow,
  kind: Trigger,
  deliveryId?: string,
): Promise<Response> {
  const compiled = compiledRevision(flow.id, flow.latestRevision, flow.definition)
  const body = await readBody(c.req.raw)
  const now = Date.now()
  const jurisdiction = flow.definition.placement?.jurisdiction
  const dedup = await dedupOf(c, flow.id, jurisdiction, deliveryId)
  const executionId = dedup?.executionId ?? newExecutionId(c.env, jurisdiction)
  // the headers rule: only a webhook's input carries its request's headers (and request details)
  const input =
    kind === 'webhook'
      ? requestInput(c.req.raw, kind, body, now, compiled.redactedHeaders)
      : triggerInput(kind, body, now)
  await checkRateLimit(c.env, compiled, input)
  // a flow that debounces or batches: the trigger joins its key's window, which starts one execution later
  const gathered = await gather(c.env, compiled, input, dedup?.executionId ?? null)
  if (gathered && compiled.gather) return gatheredAnswer(c, compiled.gather.policy.kind, gathered)
  const result = await launch(c.env, {
    executionId,
    flowId: flow.id,
    revision: flow.latestRevision,
    definition: flow.definition,
    trigger: kind,
    input,
    // W3C Trace Context: the execution's trace is a child of the caller's (README, Traces)
    ...traceOf({ traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate') }),
    ...(dedup ? { fingerprint: await sha256(`${c.req.method} ${JSON.stringify(body)}`) } : {}),
    waitMs: compiled.mode === 'sync' ? compiled.syncTimeoutMs : 0,
  })
  return startAnswer(c, compiled.mode, executionId, result, dedup?.header)
}

/** How a trigger answers the start of an execution: its sync output, 202, or why it did not start. */
export function startAnswer(
  c: Context,
  mode: Mode,
  executionId: string,
  result: StartResult,
  dedupHeader?: Dedup['header'],
): Response {
  if (!result.ok) {
    const headers = { [EXECUTION_HEADER]: executionId }
    if (result.code === 'rejected') throw concurrencyRejected(result.message, result.retryAfterMs)
    if (result.code === 'idempotency_mismatch')
      throw new ApiError({
        status: 422,
        code: 'idempotency_mismatch',
        message: dedupHeader ? MISMATCH[dedupHeader] : result.message,
        headers,
      })
    throw new ApiError({ status: 409, code: 'conflict', message: result.message, headers })
  }
  if (result.error?.issues) throw inputRefused(result.error, executionId)
  if (mode === 'sync' && result.output) return outputResponse(result.output, executionId)
  return accepted(c, executionId, result.status)
}

/** 202 with where to poll. */
export function accepted(c: Context, executionId: string, status: ExecutionStatus): Response {
  const { body, headers } = acceptedParts(c, executionId, status)
  return c.json(body, 202, headers)
}

/** 202 for a gathered trigger: the execution it joined (not started yet) and when it starts. */
function gatheredAnswer(c: Context, kind: 'debounce' | 'batch', answer: GatherAnswer): Response {
  const statusUrl = new URL(`/api/executions/${answer.executionId}`, c.req.url).toString()
  const body = {
    executionId: answer.executionId,
    gathered: kind,
    size: answer.size,
    startsAt: new Date(answer.startsAt).toISOString(),
    statusUrl,
  }
  return c.json(body, 202, { [EXECUTION_HEADER]: answer.executionId })
}

/** Statuses whose responses carry no body (RFC 9110). */
const NO_BODY = new Set([204, 205, 304])

/** The execution's output as an HTTP response: JSON unless a `return` set another content type for a text body. */
export function outputResponse(output: Output, executionId: string): Response {
  const headers = new Headers(output.headers)
  headers.set(EXECUTION_HEADER, executionId)
  if (NO_BODY.has(output.status)) return new Response(null, { status: output.status, headers })
  const text =
    typeof output.body === 'string' && headers.has('content-type') && !headers.get('content-type')?.includes('json')
  if (!text) headers.set('content-type', 'application/json')
  return new Response(text ? (output.body as string) : JSON.stringify(output.body ?? {}), {
    status: output.status,
    headers,
  })
}
