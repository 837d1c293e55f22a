/**
 * @module `http`: one HTTP request; a status outside `expectStatus` (default 2xx) fails the attempt.
 * `auth` sets the Authorization header (bearer or basic); `sign` signs the request the Standard
 * Webhooks way with a flow secret, so that any Standard Webhooks receiver can verify it.
 */
import * as z from 'zod'
import { webhookSignature } from '../domain/standard-webhooks'
import { secretNameProblem, secretUseProblem } from '../domain/flow-secrets'
import { type ActionContext, type ActionSecrets, completed, defineAction, failed } from './define'

/** Stored response bodies are capped so that one call cannot bloat the execution. */
export const MAX_RESPONSE_BYTES = 256 * 1024

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

const Auth = z.union(
  [
    z.strictObject({ bearer: z.string().min(1) }),
    z.strictObject({ basic: z.strictObject({ user: z.string(), password: z.string() }) }),
  ],
  { error: 'auth is {"bearer": token} or {"basic": {"user", "password"}}' },
)
type Auth = z.infer<typeof Auth>

const SecretName = z.string().superRefine((name, ctx) => {
  const problem = secretNameProblem(name)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

export default defineAction({
  type: 'http',
  inline: false,
  params: {
    method: z.enum(HTTP_METHODS).default('GET'),
    url: z.url({ protocol: /^https?$/, error: 'url must be an absolute http(s) URL' }),
    headers: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.unknown().optional(),
    expectStatus: z.union([z.int(), z.array(z.int()).min(1)]).optional(),
    auth: Auth.optional(),
    /** The flow secret (`whsec_<base64>`) the request is signed with, the Standard Webhooks way. */
    sign: z.strictObject({ secret: SecretName }).optional(),
  },
  secretNames: (task) => {
    const name = (task.sign as { secret?: unknown } | undefined)?.secret
    return typeof name === 'string' && !name.includes('{{') ? [{ name, path: ['sign', 'secret'], signing: true }] : []
  },
  async run({ method, url, headers, query, body, expectStatus, auth, sign }, context) {
    const { signal, fetch, execution, taskRun } = context
    const target = requestUrl(url, query, context.secrets)
    const requestHeaders = new Headers(headers)
    if (!requestHeaders.has('idempotency-key')) {
      requestHeaders.set('idempotency-key', `${execution.id}:${taskRun.id}`)
    }
    // the called service's spans join the execution's trace, under this attempt's span (README, Traces)
    for (const [name, value] of Object.entries(context.traceHeaders)) {
      if (!requestHeaders.has(name)) requestHeaders.set(name, value)
    }
    let requestBody: string | undefined
    if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
      requestBody = typeof body === 'string' ? body : JSON.stringify(body)
      if (typeof body !== 'string' && !requestHeaders.has('content-type')) {
        requestHeaders.set('content-type', 'application/json')
      }
    }
    if (auth) {
      if (requestHeaders.has('authorization'))
        return failed('validation_error', 'set auth or an Authorization header, not both')
      requestHeaders.set('authorization', authorization(auth, context))
    }
    if (sign) {
      const key = context.secrets.read(sign.secret)
      const problem = secretUseProblem({ name: sign.secret, path: [], signing: true }, key)
      if (problem) return failed('validation_error', problem)
      // the webhook-id is the call's idempotency key: the same on every retry of the task run
      const id = requestHeaders.get('idempotency-key') as string
      const timestamp = String(Math.floor(context.now() / 1000))
      const signature = await webhookSignature(key, id, timestamp, new TextEncoder().encode(requestBody ?? ''))
      requestHeaders.set('webhook-id', id)
      requestHeaders.set('webhook-timestamp', timestamp)
      requestHeaders.set('webhook-signature', `v1,${signature}`)
    }
    let response: Response
    try {
      response = await fetch(target, { method, headers: requestHeaders, body: requestBody ?? null, signal })
    } catch (error) {
      return failed(
        'http_error',
        `${method} ${target} failed: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const read = await readCapped(response)
    const metrics = [{ name: 'http.response.bytes', type: 'counter' as const, value: read.bytes }]
    const output = {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: parseBody(read.text, response.headers.get('content-type'), read.truncated),
      ...(read.truncated ? { truncated: true } : {}),
    }
    if (!expected(response.status, expectStatus)) {
      return {
        kind: 'failed',
        error: { type: 'http_error', message: `${method} ${target} answered ${response.status}` },
        metrics,
      }
    }
    return completed(output, { metrics })
  },
})

/**
 * The URL a task calls, as errors show it: the parser re-encodes what the task wrote (masking
 * finds a secret in any of those forms) and may drop or rewrite parts of it (tabs, `..`
 * segments, IDNA hosts), so a URL in which masking no longer finds every secret is masked whole.
 */
export function requestUrl(
  url: string,
  query: Record<string, string | number | boolean> | undefined,
  secrets: Pick<ActionSecrets, 'conceal'>,
): URL {
  const target = new URL(url)
  const pairs = Object.entries(query ?? {}).map(([key, value]) => [key, String(value)] as const)
  for (const [key, value] of pairs) target.searchParams.append(key, value)
  secrets.conceal(target.href, [url, ...pairs.flat()].join('\n'))
  return target
}

/** The Authorization header; a Basic credential is masked like the secrets it was made of. */
function authorization(auth: Auth, { secrets }: ActionContext): string {
  if ('bearer' in auth) return `Bearer ${auth.bearer}`
  const credential = `${auth.basic.user}:${auth.basic.password}`
  const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(credential)))
  secrets.conceal(encoded, credential)
  return `Basic ${encoded}`
}

function expected(status: number, expectStatus: number | number[] | undefined): boolean {
  if (expectStatus === undefined) return status >= 200 && status < 300
  return Array.isArray(expectStatus) ? expectStatus.includes(status) : status === expectStatus
}

function parseBody(text: string, contentType: string | null, truncated: boolean): unknown {
  if (truncated || !contentType?.includes('json') || text === '') return text
  try {
    return JSON.parse(text)
  } catch {
    // a server that labels text as JSON gets its text back, not a failure
    return text
  }
}

async function readCapped(response: Response): Promise<{ text: string; bytes: number; truncated: boolean }> {
  if (!response.body) return { text: '', bytes: 0, truncated: false }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    bytes += value.byteLength
    if (bytes > MAX_RESPONSE_BYTES) {
      await reader.cancel()
      break
    }
  }
  const all = new Uint8Array(Math.min(bytes, MAX_RESPONSE_BYTES))
  let offset = 0
  for (const chunk of chunks) {
    const part = chunk.subarray(0, all.byteLength - offset)
    all.set(part, offset)
    offset += part.byteLength
  }
  return { text: new TextDecoder().decode(all), bytes, truncated: bytes > MAX_RESPONSE_BYTES }
}
