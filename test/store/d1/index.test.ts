// This file breaks D1 on purpose: it has storage of its own (isolation is per test file).
import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, execution, listed, putFlow, uniqueId, json, watchIndexFailures } from '../../helpers/api'

describe('the D1 index', () => {
  it('is written by the queue once D1 takes it again: a batch D1 refuses is retried, nothing is lost', async () => {
    const flowId = uniqueId()
    await putFlow(flowId, { mode: 'sync', tasks: [{ id: 'answer', type: 'return', body: { ok: 1 } }] })
    const failures = watchIndexFailures()
    await env.DB.exec('ALTER TABLE executions RENAME TO executions_away')
    const response = await call('POST', `/hooks/${flowId}`, {})
    expect(response.status).toBe(200)
    const id = response.headers.get('x-execution-id')!
    // the consumer keeps failing meanwhile: the queue retries, then its dead letters hand the summary back to the object
    await failures.wentRound()
    expect((await execution(id)).status).toBe('completed')
    await env.DB.exec('ALTER TABLE executions_away RENAME TO executions')
    const page = await listed(`flowId=${flowId}`, 1)
    expect(page.items).toEqual([expect.objectContaining({ id, status: 'completed', outputStatus: 200 })])
  })

  it('an unexpected failure answers 500 JSON without a stack trace', async () => {
    await env.DB.exec('DROP TABLE flows')
    const response = await call('GET', '/api/flows')
    expect(response.status).toBe(500)
    expect(await json(response)).toEqual({ error: { code: 'internal', message: 'internal error' } })
    // every table goes, so that the migrations, whichever they are, build the schema again
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    ).all<{ name: string }>()
    for (const { name } of results) await env.DB.exec(`DROP TABLE ${name}`)
    await applyD1Migrations(env.DB, env.MIGRATIONS)
  })
})
