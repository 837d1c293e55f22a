/** @module Reading the Worker's log lines (src/log.ts) from a spied console method. */

/** A line the logger wrote (one JSON object), or null for anything else written to the console. */
export function loggedLine(written: unknown): ({ level: string; message: string } & Record<string, unknown>) | null {
  if (typeof written !== 'string' || !written.startsWith('{')) return null
  const line: unknown = JSON.parse(written)
  return line && typeof line === 'object' && 'level' in line && 'message' in line
    ? (line as { level: string; message: string } & Record<string, unknown>)
    : null
}
