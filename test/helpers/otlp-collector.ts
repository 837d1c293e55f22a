/**
 * The OTLP collector of the tests: bench/target.ts on 127.0.0.1, which decodes every export with
 * OpenTelemetry's own schema (bench/otlp-decode.ts). Each test file collects under a key of its own.
 */
import { expect } from 'vitest'
import { json, target } from './api'
import type { DecodedSpan, ReceivedExport } from './decoded-trace'

/** The base URL to set as `OTEL_EXPORTER_OTLP_ENDPOINT`: exports go to `<it>/v1/traces`. */
export const collectorEndpoint = (key: string) => target(`/otlp/${key}`)

/** Every export the collector decoded so far under `key`; one it could not decode fails the test. */
export async function receivedExports(key: string): Promise<ReceivedExport[]> {
  const posts = await json<ReceivedExport[]>(fetch(target(`/otlp-received/${key}`)))
  for (const post of posts) {
    expect(post.problems).toEqual([])
    expect(post.headers['content-type']).toBe('application/json')
  }
  return posts
}

/** The spans of the exports, of trace `traceId` only if given, as often as they came. */
export const spansIn = (posts: readonly ReceivedExport[], traceId?: string): DecodedSpan[] =>
  posts.flatMap((post) =>
    post.request.resourceSpans.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) =>
        scope.spans.filter((span) => traceId === undefined || span.traceId === traceId),
      ),
    ),
  )

/** A W3C trace id of its own for a test's caller (32 hex digits). */
export const newTraceId = (): string => crypto.randomUUID().replaceAll('-', '')
