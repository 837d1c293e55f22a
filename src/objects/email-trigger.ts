/**
 * @module The Worker's email() handler (README, Email triggers): a message to the Worker's address
 * starts the flows that receive it — those whose `email` trigger names its recipient, else those
 * that name none — with the message parsed (postal-mime) into `input.body` and `input.headers`,
 * under an id derived from its Message-ID, so the same message delivered again starts nothing
 * twice. A message no flow can take — over its rate or concurrency limit included — is rejected with the reason (the sending server bounces it); a
 * sync flow's answer may reject it or forward it. An error reaching an execution fails the handler,
 * so that the message is not taken silently.
 */
import PostalMime from 'postal-mime'
import type { Env } from '../env'
import { emailExecutionId } from '../domain/ids'
import { compiledRevision } from '../flow/cache'
import { type EmailAction, emailAction, emailInput, receiversOf } from '../flow/email-trigger'
import { type Subscriber, subscribedFlows } from '../store/d1/subscribers'
import { log } from '../log'
import { launch, triggerInput } from './stubs'
import { namedExecutionId, newExecutionId } from './placed-ids'
import { hitRateLimit } from './coordinators'
import { gather } from './gatherers'

/** The default bound of a message's text and headers: a webhook's body limit (BODY_LIMIT_BYTES). */
const DEFAULT_LIMIT = 1024 * 1024

/** Parser bounds, well within what a Worker can hold: no message nests deeper or has more parts. */
const PARSE_LIMITS = { maxNestingDepth: 32, maxPartCount: 500, maxHeadersSize: 256 * 1024 } as const

export async function receiveEmail(message: ForwardableEmailMessage, env: Env): Promise<void> {
  const now = Date.now()
  const receivers = receiversOf(await subscribedFlows(env.DB, 'email', now), message.to)
  if (receivers.length === 0) return reject(message, `no flow receives mail for ${message.to}`)
  let mail: Awaited<ReturnType<typeof PostalMime.parse>>
  try {
    mail = await PostalMime.parse(message.raw, { ...PARSE_LIMITS, attachmentEncoding: 'arraybuffer' })
  } catch (error) {
    return reject(message, `the message could not be parsed: ${(error as Error).message}`)
  }
  const limit = Number(env.BODY_LIMIT_BYTES ?? DEFAULT_LIMIT) || DEFAULT_LIMIT
  const input = emailInput({ from: message.from, to: message.to }, mail, limit)
  if (!input.ok) return reject(message, input.reason)
  const actions = await Promise.all(
    receivers.map((receiver) => start(env, receiver, mail.messageId, input.body, input.headers, now)),
  )
  await act(message, actions)
}

/** What starting one flow came to: the action its answer asks, or why it refused the message. */
type Started = EmailAction | { kind: 'refused'; reason: string }

async function start(
  env: Env,
  receiver: Subscriber<'email'>,
  messageId: string | undefined,
  body: unknown,
  headers: Record<string, string>,
  now: number,
): Promise<Started> {
  const compiled = compiledRevision(receiver.flowId, receiver.revision, receiver.definition)
  const jurisdiction = receiver.definition.placement?.jurisdiction
  const executionId = messageId
    ? namedExecutionId(env, await emailExecutionId(receiver.flowId, messageId), jurisdiction)
    : newExecutionId(env, jurisdiction)
  const input = { ...triggerInput('email', body, now), headers }
  // over the flow's rate limit nothing is created, as for a webhook: the message is refused
  const rate = await hitRateLimit(env, compiled, input)
  if (!rate.allowed)
    return {
      kind: 'refused',
      reason: `${receiver.flowId}: over its rate limit, try again in ${Math.ceil(rate.retryAfterMs / 1000)} s`,
    }
  // a flow that debounces or batches: the message joins its key's window (once, by its id); no verdict
  if (await gather(env, compiled, input, executionId)) return { kind: 'none' }
  const result = await launch(env, {
    executionId,
    flowId: receiver.flowId,
    revision: receiver.revision,
    definition: receiver.definition,
    trigger: 'email',
    input,
    waitMs: compiled.mode === 'sync' ? compiled.syncTimeoutMs : 0,
  })
  if (!result.ok) return { kind: 'refused', reason: `${receiver.flowId}: ${result.message}` }
  if (result.error?.issues) return { kind: 'refused', reason: `${receiver.flowId}: ${result.error.message}` }
  if (!result.output) return { kind: 'none' }
  const action = emailAction(result.output.body)
  if (action.kind !== 'invalid') return action
  log.error(`${receiver.flowId} answered an email with a bad verdict: ${action.message}`, {
    executionId,
    flowId: receiver.flowId,
  })
  return { kind: 'none' }
}

/** A refusal or a flow's reject rejects the message (the first reason); otherwise it is forwarded where asked. */
async function act(message: ForwardableEmailMessage, actions: readonly Started[]): Promise<void> {
  const refusal = actions.find(
    (action): action is Extract<Started, { reason: string }> => action.kind === 'refused' || action.kind === 'reject',
  )
  if (refusal) return reject(message, refusal.reason)
  const destinations = new Set(actions.flatMap((action) => (action.kind === 'forward' ? action.to : [])))
  for (const to of destinations) await message.forward(to)
}

function reject(message: ForwardableEmailMessage, reason: string): void {
  log.warn(`email to ${message.to} rejected: ${reason}`, { event: 'email_rejected', to: message.to })
  message.setReject(reason)
}
