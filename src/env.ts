/**
 * @module The Worker's bindings (wrangler.toml) and secrets. Each Durable Object namespace is
 * declared by the object it binds (`declare module '../env'` in objects/*-object.ts), so that the
 * bindings import none of the objects' classes.
 */
import type { IndexMessage } from './store/d1/index-batch'
import type { TraceMessage } from './telemetry/export'

export interface Env {
  DB: D1Database
  /**
   * The static assets (public/, wrangler.toml `[assets]`): the dashboard's script and stylesheet,
   * answered before the Worker runs, and the API's OpenAPI document and reference page, made at
   * build time, which the Worker hands out behind its checks (api/app.ts).
   */
  ASSETS: Fetcher
  /** Summaries and deletions on their way to the D1 index, written in batches (objects/index-queue.ts). */
  INDEX_QUEUE: Queue<IndexMessage>
  /** Ended executions' traces on their way to the OTLP endpoint, exported in batches (objects/trace-queue.ts). */
  OTEL_QUEUE?: Queue<TraceMessage>
  /** The OTLP/HTTP collector's base URL: traces go to `<it>/v1/traces` (README, Traces); unset: no traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string
  /** The traces' own URL, used as it is (overrides the base one). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string
  /** Headers of every export, `name=value` pairs separated by commas, values URL-encoded (a secret). */
  OTEL_EXPORTER_OTLP_HEADERS?: string
  /** The `service.name` of the spans (default `edgeflow`). */
  OTEL_SERVICE_NAME?: string
  /** Workers Analytics Engine: one data point per ended execution (docs/observability.md); unset: none. */
  METRICS?: AnalyticsEngineDataset
  /** Bearer token for `/api/*` (a secret: `wrangler secret put API_TOKEN`). */
  API_TOKEN?: string
  /** "true" opens `/api/*` when no API_TOKEN is set (`npm start` sets it; deployments should not). */
  ALLOW_ANONYMOUS_API?: string
  /** Host names answered besides loopback ones while the API is open (comma-separated; api/middleware/local-host.ts). */
  ALLOWED_HOSTS?: string
  /** Largest accepted request body in bytes (default 1 MiB). */
  BODY_LIMIT_BYTES?: string
  /** Rows one index sweep checks at most (default 100; objects/index-sweep.ts). */
  INDEX_SWEEP_LIMIT?: string
  /** How long an unsettled row of the index goes unwritten before the sweep checks it (default 120000 ms). */
  INDEX_SWEEP_STALE_MS?: string
  /** "true" counts the round trips made before each answer into a header (README, Performance); off in production. */
  EDGEFLOW_COUNT_ROUND_TRIPS?: string
  /** Secrets flows may read as `$secret('NAME')` and `sign.secret` (`wrangler secret put FLOW_SECRET_NAME`). */
  [secret: `FLOW_SECRET_${string}`]: string | undefined
}
