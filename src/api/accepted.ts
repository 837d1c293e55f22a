/** @module The one Accepted answer (docs/architecture.md, Life of a trigger): the execution, its status and where to poll it. */
import type { Context } from 'hono'
import type { ExecutionStatus } from '../domain/types'
/** The header naming the execution an answer is about. */
export const EXECUTION_HEADER = 'x-execution-id'

/** The body and headers of a 202 (or a replay's 201) about `executionId`, now `status`. */
export function acceptedParts(c: Context, executionId: string, status: ExecutionStatus) {
  const statusUrl = new URL(`/api/executions/${executionId}`, c.req.url).toString()
  return {
    body: { executionId, status, statusUrl },
    headers: { location: statusUrl, [EXECUTION_HEADER]: executionId },
  }
}
