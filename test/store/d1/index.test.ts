// This file breaks D1 on purpose: it has storage of its own (isolation is per test file).
import { applyD1Migrations, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import type { ExecutionStatus } from '../../../src/domain/types'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { listExecutions, upsertSummary } from '../../../src/store/d1/executions'
import type { ExecutionSummary } from '../../../src/store/d1/schema'
import { call, execution, putFlow, uniqueId, json } from '../../helpers/api'
import { stubOf } from '../../helpers/engine'

const summary = (version: number, status: ExecutionStatus): ExecutionSummary => ({
  id: 'exec-versioned',
  flowId: 'f',
  revision: 1,
  status,
  trigger: 'manual',
  mode: 'async',
  createdAt: 1,
  startedAt: null,
  endedAt: null,
  durationMs: null,
  outputStatus: null,
  errorType: null,
  errorTaskId: null,
  errorMessage: null,
  replayOf: null,
  parentExecutionId: null,
  version,
})

describe('the D1 index', () => {
  it('keeps the highest version of a summary', async () => {
    await upsertSummary(env.DB, summary(2, 'running'))
    await upsertSummary(env.DB, summary(3, 'completed'))
    await upsertSummary(env.DB, summary(2, 'running'))
    const [row] = await listExecutions(env.DB, { flowId: 'f', limit: 10 })
    expect(row).toMatchObject({ status: 'completed', version: 3 })
  })

  it('is retried from the alarm after a failed write, and nothing is lost meanwhile', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { mode: 'sync', tasks: [{ id: 'answer', type: 'return', body: { ok: 1 } }] })
    await env.DB.exec('ALTER TABLE executions RENAME TO executions_away')
    const response = await call('POST', `/hooks/${flowId}`, {})
    expect(response.status).toBe(200)
    const id = response.headers.get('x-execution-id')!
    const stub = stubOf(id)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await execution(id)).status).toBe('completed')
    await env.DB.exec('ALTER TABLE executions_away RENAME TO executions')
    expect(await listExecutions(env.DB, { flowId, limit: 10 })).toEqual([])
    const armed = await runInDurableObject(stub, (_, state) => state.storage.getAlarm())
    expect(armed).toBeGreaterThan(Date.now())
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const rows = await listExecutions(env.DB, { flowId, limit: 10 })
    expect(rows).toEqual([expect.objectContaining({ id, status: 'completed', outputStatus: 200 })])
  })

  it('an unexpected failure answers 500 JSON without a stack trace', async () => {
    await env.DB.exec('DROP TABLE flows')
    const response = await call('GET', '/api/flows')
    expect(response.status).toBe(500)
    expect(await json(response)).toEqual({ error: { code: 'internal', message: 'internal error' } })
    await env.DB.exec('DROP TABLE d1_migrations')
    await env.DB.exec('DROP TABLE flow_revisions')
    await env.DB.exec('DROP TABLE executions')
    await applyD1Migrations(env.DB, env.MIGRATIONS)
  })
})
