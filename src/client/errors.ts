/**
 * @module What can go wrong in a client call, as one exception carrying a typed problem: the API's
 * error answer (status, code, message, issues), no answer at all, or a wait that ran out of time.
 */

export interface Issue {
  path: string
  message: string
}

export type ClientProblem =
  | {
      type: 'api'
      /** The HTTP status. */
      status: number
      /** The API's error code (`not_found`, `invalid_flow`, `conflict`…), or `http_<status>` for an answer not in its format. */
      code: string
      message: string
      /** Every bad field, with its path (400s). */
      issues: Issue[]
      /** The execution the answer names (`x-execution-id`), if any. */
      executionId: string | null
      /** What `Retry-After` asked for (429s), in ms. */
      retryAfterMs: number | null
    }
  | { type: 'network'; message: string }
  /** A 2xx without what the API document promises (a body, a flow's definition). */
  | { type: 'protocol'; status: number; message: string }
  | { type: 'timeout'; message: string; executionId: string; lastStatus: string | null }

export class EdgeflowError extends Error {
  readonly problem: ClientProblem

  constructor(problem: ClientProblem, options?: { cause?: unknown }) {
    super(problem.message, options)
    this.name = 'EdgeflowError'
    this.problem = problem
  }

  /** The HTTP status of an API error, else null. */
  get status(): number | null {
    return this.problem.type === 'api' ? this.problem.status : null
  }

  /** The API's error code, or the problem's type (`network`, `timeout`). */
  get code(): string {
    return this.problem.type === 'api' ? this.problem.code : this.problem.type
  }

  get issues(): Issue[] {
    return this.problem.type === 'api' ? this.problem.issues : []
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** The `{error: {code, message, issues?}}` of an API error answer, or null when the body is not one. */
export function apiErrorOf(body: unknown): { code: string; message: string; issues: Issue[] } | null {
  const error = isRecord(body) ? body.error : undefined
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') return null
  const issues = Array.isArray(error.issues) ? (error.issues as Issue[]) : []
  return { code: error.code, message: error.message, issues }
}

/** The problem a non-2xx answer holds; a body not in the API's format keeps its text as the message. */
export function apiProblem(response: Response, body: unknown, retryAfterMs: number | null): ClientProblem {
  const error = apiErrorOf(body)
  const text = typeof body === 'string' && body ? body : `HTTP ${response.status} ${response.statusText}`.trim()
  return {
    type: 'api',
    status: response.status,
    code: error?.code ?? `http_${response.status}`,
    message: error?.message ?? text,
    issues: error?.issues ?? [],
    executionId: response.headers.get('x-execution-id'),
    retryAfterMs,
  }
}
