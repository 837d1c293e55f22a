/**
 * @module The `email` trigger (README, Email triggers), pure: its definition, which flows take a
 * message, the input a parsed message becomes (bounded), and what a sync flow's answer asks of
 * the message (reject it, or forward it). The Worker's email() handler (objects/email-trigger.ts)
 * parses the message and starts the flows.
 */
import * as z from 'zod'

export const EmailTrigger = z.strictObject({
  type: z.literal('email'),
  /** The recipient whose mail starts the flow (default: mail no flow names its recipient). */
  address: z.email().optional(),
})
export type EmailTrigger = z.infer<typeof EmailTrigger>

/** A flow with email triggers (store/d1/subscribers.ts). */
interface Receiver {
  triggers: readonly EmailTrigger[]
}

const sameAddress = (one: string, other: string) => one.toLowerCase() === other.toLowerCase()

/** The flows a message to `to` starts: those that name it, else those that name no address. */
export function receiversOf<R extends Receiver>(receivers: readonly R[], to: string): R[] {
  const named = receivers.filter((receiver) =>
    receiver.triggers.some((trigger) => trigger.address !== undefined && sameAddress(trigger.address, to)),
  )
  if (named.length > 0) return named
  return receivers.filter((receiver) => receiver.triggers.some((trigger) => trigger.address === undefined))
}

/** What the parser gives of a message (postal-mime's `Email`, structurally). */
export interface ParsedMail {
  headers: readonly { key: string; value: string }[]
  subject?: string | undefined
  messageId?: string | undefined
  date?: string | undefined
  from?: { name: string; address?: string | undefined } | undefined
  text?: string | undefined
  html?: string | undefined
  attachments: readonly {
    filename: string | null
    mimeType: string
    disposition: string | null
    content: ArrayBuffer | Uint8Array | string
  }[]
}

/** An attachment as the flow sees it: its name, type and size, never its content. */
export interface AttachmentMeta {
  filename: string | null
  mimeType: string
  disposition: string | null
  size: number
}

/** `input.body` of an execution an email started. */
export interface EmailBody {
  /** The envelope's sender and recipient (what the sending server said; the `from` header may differ). */
  from: string
  to: string
  /** The `From` header's display name, when it has one. */
  fromName: string | null
  subject: string | null
  messageId: string | null
  date: string | null
  text: string | null
  html: string | null
  attachments: AttachmentMeta[]
}

export type EmailInput = { ok: true; body: EmailBody; headers: Record<string, string> } | { ok: false; reason: string }

const sizeOf = (content: ArrayBuffer | Uint8Array | string) =>
  typeof content === 'string' ? new TextEncoder().encode(content).byteLength : content.byteLength

/**
 * The input of a parsed message: its headers as `input.headers` (lower case names, repeated ones
 * joined with ", "), the rest as `input.body`. Refused when the two weigh more than `limitBytes`
 * as JSON (the limit of a webhook's body): an execution keeps its input.
 */
export function emailInput(envelope: { from: string; to: string }, mail: ParsedMail, limitBytes: number): EmailInput {
  const headers: Record<string, string> = {}
  for (const { key, value } of mail.headers) headers[key] = key in headers ? `${headers[key]}, ${value}` : value
  const body: EmailBody = {
    from: envelope.from,
    to: envelope.to,
    fromName: mail.from?.name || null,
    subject: mail.subject ?? null,
    messageId: mail.messageId ?? null,
    date: mail.date ?? null,
    text: mail.text ?? null,
    html: mail.html ?? null,
    attachments: mail.attachments.map(({ filename, mimeType, disposition, content }) => ({
      filename,
      mimeType,
      disposition,
      size: sizeOf(content),
    })),
  }
  const bytes = new TextEncoder().encode(JSON.stringify({ body, headers })).byteLength
  if (bytes > limitBytes)
    return { ok: false, reason: `the message's text and headers are ${bytes} bytes, over the limit of ${limitBytes}` }
  return { ok: true, body, headers }
}

/** What a sync email flow's answer (the body a `return` task gave) asks of the message. */
export const EmailVerdict = z.strictObject({
  /** Refuse the message: the sending server gets a permanent error with this reason. */
  reject: z.string().min(1).max(500).optional(),
  /** Forward the message to these verified destination addresses. */
  forward: z.union([z.email(), z.array(z.email()).min(1).max(10)]).optional(),
})

export type EmailAction = { kind: 'reject'; reason: string } | { kind: 'forward'; to: string[] } | { kind: 'none' }

/**
 * The action of an answer's body: `{"reject": "reason"}` or `{"forward": "a@example.com"}` (or a
 * list); any other body asks nothing. A body that names `reject` or `forward` badly is an error.
 */
export function emailAction(body: unknown): EmailAction | { kind: 'invalid'; message: string } {
  if (typeof body !== 'object' || body === null || !('reject' in body || 'forward' in body)) return { kind: 'none' }
  const picked = { reject: (body as { reject?: unknown }).reject, forward: (body as { forward?: unknown }).forward }
  const parsed = EmailVerdict.safeParse(picked)
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue
    return { kind: 'invalid', message: `${issue.path.join('.')}: ${issue.message}` }
  }
  if (parsed.data.reject !== undefined) return { kind: 'reject', reason: parsed.data.reject }
  const { forward } = parsed.data
  if (forward === undefined) return { kind: 'none' }
  return { kind: 'forward', to: typeof forward === 'string' ? [forward] : forward }
}
