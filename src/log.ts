/**
 * @module The Worker's own log lines (docs/observability.md, Logs): one JSON object a line — level,
 * message, and what is known of the execution (its id, flow, task, trace) and of the error — so that
 * Workers Logs indexes each field and a query can filter on it. Every `console.*` call of the shell
 * goes through here; an execution's own log lines (the `log` task, the engine's notes) are stored
 * in its object instead, and read through the API.
 */
import { toTaskError } from './domain/errors'
import type { LogLevel } from './domain/log'

/** What a line says about where it comes from (a field null or undefined is left out); any other field is kept as it is. */
export interface LogFields {
  /** A name to count and alert on (`trace_export_dropped`), stable across wordings of the message. */
  event?: string
  executionId?: string | null | undefined
  flowId?: string | null | undefined
  taskId?: string | null | undefined
  traceId?: string | null | undefined
  spanId?: string | null | undefined
  [field: string]: unknown
}

/** One line as written: the level and message first, then the fields, then the error. */
export function logLine(level: LogLevel, message: string, fields: LogFields = {}, error?: unknown): string {
  const line: Record<string, unknown> = { level, message }
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== null) line[name] = value
  if (error !== undefined) {
    const { type, message: reason } = toTaskError(error)
    line.errorType = type
    line.error = reason
    // an unexpected error keeps its kind and where it was thrown
    if (error instanceof Error && !('type' in error)) {
      line.errorName = error.name
      if (error.stack) line.stack = error.stack
    }
  }
  return JSON.stringify(line)
}

/** The console method of each level: Workers Logs takes a line's level from it. */
const WRITE: Record<LogLevel, (line: string) => void> = {
  debug: (line) => console.debug(line),
  info: (line) => console.info(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
}

const at =
  (level: LogLevel) =>
  (message: string, fields?: LogFields, error?: unknown): void =>
    WRITE[level](logLine(level, message, fields, error))

/** `log.error('could not …', { executionId }, error)`: writes one JSON line at that level. */
export const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
