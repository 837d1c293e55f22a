/**
 * @module How the CLI reports what went wrong (pure): as lines for people, or with `--json` as one
 * JSON object `{"error": {…}}` — both on standard error, so that standard output holds only answers.
 * A problem of the connection (no answer, a 401) says what to check.
 */
import type { EdgeflowError } from '../client/index.ts'

/** How the command reached the Worker: what a hint names. */
export interface Reach {
  url: string
  token: string | undefined
}

/** What to check when the problem is the connection's rather than the request's; null otherwise. */
export function hintOf(error: EdgeflowError, reach: Reach): string | null {
  if (error.problem.type === 'network')
    return `check --url or EDGEFLOW_URL (now ${reach.url}): is the Worker running there (npm start)?`
  if (error.status !== 401) return null
  return reach.token === undefined
    ? "no token was given: set --token or EDGEFLOW_TOKEN to the Worker's API_TOKEN"
    : "the Worker refused the token: check --token or EDGEFLOW_TOKEN against the Worker's API_TOKEN"
}

/** The problem as lines: the message, each bad field with its path, then what to check. */
export function problemText(error: EdgeflowError, hint: string | null): string {
  const { problem } = error
  const head =
    problem.type === 'api'
      ? `error: ${problem.status} ${problem.code}: ${problem.message}`
      : `error: ${problem.message}`
  const issues = error.issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`)
  return [head, ...issues, ...(hint ? [`  ${hint}`] : [])].join('\n')
}

/** The JSON of a problem: `type` (api, network, protocol, timeout, usage), `code`, `message`, and what applies. */
export function problemJson(error: EdgeflowError, hint: string | null): { error: Record<string, unknown> } {
  const { problem } = error
  const details =
    problem.type === 'api'
      ? { status: problem.status, issues: problem.issues, executionId: problem.executionId }
      : problem.type === 'protocol'
        ? { status: problem.status }
        : problem.type === 'timeout'
          ? { executionId: problem.executionId, lastStatus: problem.lastStatus }
          : {}
  return {
    error: { type: problem.type, code: error.code, message: problem.message, ...details, ...(hint ? { hint } : {}) },
  }
}

/** A usage error (exit 2) as JSON. */
export const usageJson = (message: string) => ({ error: { type: 'usage', code: 'usage', message } })
