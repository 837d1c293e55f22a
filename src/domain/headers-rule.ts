/**
 * @module The headers rule (Arengu's contract): `input.headers` is a copy of the triggering HTTP
 * request's headers for webhooks (an email's, for email triggers), and completely empty for every other
 * trigger — manual, schedule, subflow, replay and ad-hoc runs. A flow test's case gives the headers of the
 * webhook it stands for. Applied where every execution is created, whatever started it.
 */
import type { ExecutionInput, Trigger } from './types'

/** The input an execution started by `trigger` keeps: headers only from a webhook's request (or a test's). */
export function inputForTrigger(trigger: Trigger, input: ExecutionInput): ExecutionInput {
  if (trigger === 'webhook' || trigger === 'email' || trigger === 'test' || Object.keys(input.headers).length === 0)
    return input
  return { ...input, headers: {} }
}
