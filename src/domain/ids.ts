/**
 * @module Execution ids, of two shapes (README, Performance): a Durable Object's unique id (64 hex
 * digits, made by `newUniqueId`) for a new execution, reached with no global lookup; a UUID for an
 * execution found by name — derived from a seed (idempotent triggers, schedule slots) or made before
 * unique ids were.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const UNIQUE = /^[0-9a-f]{64}$/

/** How an execution id reaches its object: `unique` from its own text, `named` by a (global) name lookup; null: malformed. */
export type ExecutionIdShape = 'unique' | 'named' | null

export function executionIdShape(value: string): ExecutionIdShape {
  if (UNIQUE.test(value)) return 'unique'
  return UUID.test(value) ? 'named' : null
}

/** A UUID-shaped id derived from `seed` (SHA-256): the same seed always names the same execution. */
async function derivedExecutionId(seed: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seed)))
  const hex = Array.from(digest.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** Hex SHA-256 of a text (payload fingerprints, revision hashes). */
export async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

// Each kind of derived id has its own prefix, so that no seed of one kind can spell one of another.

/** The execution an `Idempotency-Key` names for a flow. */
export const idempotentExecutionId = (flowId: string, key: string) => derivedExecutionId(`idempotency:${flowId}:${key}`)

/** The execution a signed webhook delivery (its `webhook-id`) names for a flow. */
export const deliveryExecutionId = (flowId: string, webhookId: string) =>
  derivedExecutionId(`webhook:${flowId}:${webhookId}`)

/** The child a `subflow` attempt started before its attempt recorded the child's id (older executions). */
export const legacyChildExecutionId = (parentId: string, taskRunId: number, attempt: number) =>
  derivedExecutionId(`subflow:${parentId}:${taskRunId}:${attempt}`)

/** The execution a schedule starts for one slot. */
export const scheduledExecutionId = (flowId: string, schedule: number, slot: number) =>
  derivedExecutionId(`schedule:${flowId}:${schedule}:${slot}`)

/** The execution a flow's `execution` trigger starts for one ended execution: one per pair, however often it is told. */
export const reactionExecutionId = (flowId: string, endedExecutionId: string) =>
  derivedExecutionId(`reaction:${flowId}:${endedExecutionId}`)

/** The execution a flow's `queue` trigger starts for one message: a redelivered message finds it. */
export const queueMessageExecutionId = (flowId: string, queue: string, messageId: string) =>
  derivedExecutionId(`queue:${flowId}:${queue}:${messageId}`)

/** The execution a flow's `queue` trigger with `batch: true` starts for one batch: the same messages, the same execution. */
export const queueBatchExecutionId = (flowId: string, queue: string, messageIds: readonly string[]) =>
  derivedExecutionId(`queue-batch:${flowId}:${queue}:${[...messageIds].sort().join(',')}`)

/** The execution a flow's `email` trigger starts for one message (its Message-ID): a message sent again finds it. */
export const emailExecutionId = (flowId: string, messageId: string) =>
  derivedExecutionId(`email:${flowId}:${messageId}`)
