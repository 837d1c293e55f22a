/** @module Counts over the D1 index for the dashboard's chart (`GET /api/executions/counts`): executions per time bin and status. */
import { gte, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ExecutionStatus } from '../../domain/types'
import { executions } from './schema'

/** Executions created since `since`, counted by bin (`created_at / binMs`) and status. */
export async function countExecutions(
  d1: D1Database,
  since: number,
  binMs: number,
): Promise<{ bin: number; status: ExecutionStatus; count: number }[]> {
  const bin = sql<number>`${executions.createdAt} / ${sql.raw(String(Math.trunc(binMs)))}`
  return drizzle(d1)
    .select({ bin, status: executions.status, count: sql<number>`count(*)` })
    .from(executions)
    .where(gte(executions.createdAt, since))
    .groupBy(bin, executions.status)
    .orderBy(bin)
    .all()
}
