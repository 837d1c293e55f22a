/**
 * @module The `queue` trigger (README, Queue triggers), pure: its definition, the R2 event
 * notification it may read, and the input one message — or one batch — becomes. The Worker's
 * `queue()` handler (objects/queue-trigger.ts) starts the flows subscribed to the batch's queue.
 */
import * as z from 'zod'
import { OWN_QUEUES } from '../domain/own-queues'

/** Cloudflare's rule for a queue's name: 1 to 63 lower case letters, digits and dashes. */
const QueueName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a queue name: 1 to 63 lower case letters, digits and "-"')
  .refine((name) => !OWN_QUEUES.includes(name), {
    error: (issue) => `${JSON.stringify(issue.input)} is one of edgeflow's own queues: subscribe to another`,
  })

/** What a message's body is: any JSON (default), or an R2 event notification, checked and typed. */
export const QueueFormat = z.enum(['json', 'r2'])
export type QueueFormat = z.infer<typeof QueueFormat>

export const QueueTrigger = z.strictObject({
  type: z.literal('queue'),
  /** The queue's name, as `[[queues.consumers]]` in wrangler.toml consumes it. */
  queue: QueueName,
  /** One execution per batch, with the messages in `input.body.messages` (default: one per message). */
  batch: z.boolean().default(false),
  format: QueueFormat.default('json'),
})
export type QueueTrigger = z.infer<typeof QueueTrigger>

/** An R2 event notification as R2 sends it to a queue (Cloudflare docs, R2 event notifications). */
const R2Notification = z.object({
  account: z.string(),
  action: z.enum(['PutObject', 'CopyObject', 'CompleteMultipartUpload', 'DeleteObject', 'LifecycleDeletion']),
  bucket: z.string(),
  object: z.object({
    key: z.string(),
    // a deletion carries neither
    size: z.int().nonnegative().optional(),
    eTag: z.string().optional(),
  }),
  eventTime: z.iso.datetime({ offset: true }),
  copySource: z.object({ bucket: z.string(), object: z.string() }).optional(),
})

/** The `input.body` of an R2 notification: flat, every field present (null when the action has none). */
export interface R2Event {
  bucket: string
  key: string
  action: z.infer<typeof R2Notification>['action']
  size: number | null
  etag: string | null
  eventTime: string
  account: string
  copySource: { bucket: string; key: string } | null
}

/** Why a message cannot become an input: the message, and the path of its bad field. */
export interface BadMessage {
  message: string
  path: string
}

export type MessageBody = { ok: true; body: unknown } | ({ ok: false } & BadMessage)

/** A message's body as JSON: bytes become base64 text; what JSON cannot hold (a cycle, a BigInt) is refused. */
function asJson(body: unknown): MessageBody {
  try {
    const text = JSON.stringify(body ?? null, (_key, value: unknown) =>
      value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? base64(value) : value,
    )
    return { ok: true, body: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, path: '', message: `the message is not JSON: ${(error as Error).message}` }
  }
}

function base64(bytes: ArrayBuffer | ArrayBufferView): string {
  const view =
    bytes instanceof ArrayBuffer
      ? new Uint8Array(bytes)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return btoa(Array.from(view, (byte) => String.fromCharCode(byte)).join(''))
}

function r2Event(body: unknown): MessageBody {
  const parsed = R2Notification.safeParse(body)
  if (!parsed.success) {
    // a failed parse has an issue
    const issue = parsed.error.issues[0] as z.core.$ZodIssue
    return { ok: false, path: issue.path.join('.'), message: `not an R2 event notification: ${issue.message}` }
  }
  const { object, copySource, ...event } = parsed.data
  const typed: R2Event = {
    bucket: event.bucket,
    key: object.key,
    action: event.action,
    size: object.size ?? null,
    etag: object.eTag ?? null,
    eventTime: event.eventTime,
    account: event.account,
    copySource: copySource ? { bucket: copySource.bucket, key: copySource.object } : null,
  }
  return { ok: true, body: typed }
}

/** The body one message gives a flow, in the trigger's format. */
export function messageBody(format: QueueFormat, body: unknown): MessageBody {
  switch (format) {
    case 'json':
      return asJson(body)
    case 'r2':
      return r2Event(body)
    default:
      return format satisfies never
  }
}

/** What a batch execution sees of each message (`input.body.messages`). */
export interface QueuedMessage {
  id: string
  timestamp: string
  attempts: number
  body: unknown
}

/**
 * The bodies of a batch's messages for a batch execution; the first message that cannot become
 * one refuses the batch, with its index in the path.
 */
export function batchBody(
  format: QueueFormat,
  queue: string,
  messages: readonly { id: string; timestamp: Date; attempts: number; body: unknown }[],
): MessageBody {
  const items: QueuedMessage[] = []
  for (const [index, message] of messages.entries()) {
    const body = messageBody(format, message.body)
    if (!body.ok)
      return { ...body, path: ['messages', index, 'body', body.path].filter((part) => part !== '').join('.') }
    items.push({
      id: message.id,
      timestamp: message.timestamp.toISOString(),
      attempts: message.attempts,
      body: body.body,
    })
  }
  return { ok: true, body: { queue, messages: items } }
}

/** The queue triggers of flows that consume `queue`. */
export const consuming = (triggers: readonly QueueTrigger[], queue: string): QueueTrigger[] =>
  triggers.filter((trigger) => trigger.queue === queue)
