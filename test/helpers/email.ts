/** Mail handed to the Worker's email() handler as Email Routing would (docs/flows.md, Email triggers). */
import { env } from 'cloudflare:workers'
import worker from '../../src/index'

export interface Delivered {
  rejected: string[]
  forwarded: string[]
}

/** Hands a raw message to the Worker's email() handler; resolves with what it rejected and forwarded. */
export async function deliverEmail(raw: string, to: string, workerEnv: typeof env = env): Promise<Delivered> {
  const bytes = new TextEncoder().encode(raw.replaceAll('\n', '\r\n'))
  const delivered: Delivered = { rejected: [], forwarded: [] }
  const message = {
    from: 'ada@example.com',
    to,
    raw: new Response(bytes).body,
    rawSize: bytes.byteLength,
    headers: new Headers(),
    canBeForwarded: true,
    setReject: (reason: string) => void delivered.rejected.push(reason),
    forward: async (address: string) => {
      delivered.forwarded.push(address)
      return { messageId: 'forwarded' }
    },
  }
  await worker.email(message as unknown as ForwardableEmailMessage, workerEnv)
  return delivered
}
