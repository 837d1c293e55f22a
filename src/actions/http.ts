/** @module `http`: one HTTP request; a status outside `expectStatus` (default 2xx) fails the attempt. */
import { z } from 'zod'
import { completed, defineAction, failed } from './define'

/** Stored response bodies are capped so that one call cannot bloat the execution. */
export const MAX_RESPONSE_BYTES = 256 * 1024

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

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
  },
  async run({ method, url, headers, query, body, expectStatus }, { signal, fetch, execution, taskRun }) {
    const target = new URL(url)
    for (const [key, value] of Object.entries(query ?? {})) target.searchParams.append(key, String(value))
    const requestHeaders = new Headers(headers)
    if (!requestHeaders.has('idempotency-key')) {
      requestHeaders.set('idempotency-key', `${execution.id}:${taskRun.id}`)
    }
    let requestBody: string | undefined
    if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
      requestBody = typeof body === 'string' ? body : JSON.stringify(body)
      if (typeof body !== 'string' && !requestHeaders.has('content-type')) {
        requestHeaders.set('content-type', 'application/json')
      }
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
