/**
 * A program written only against the generated types (src/client/schema.ts) with openapi-fetch, as
 * a user of the OpenAPI document would write it: no cast anywhere, so `npm run typecheck` proves
 * the document describes requests and answers well enough to use, and the test proves the Worker
 * answers as it says.
 */
import { exports } from 'cloudflare:workers'
import createClient from 'openapi-fetch'
import { describe, expect, it, vi } from 'vitest'
import type { components, paths } from '../../src/client/schema'
import { BASE, uniqueId } from '../helpers/api'

type Status = components['schemas']['ExecutionStatus']

const client = createClient<paths>({ baseUrl: BASE, fetch: (request) => exports.default.fetch(request) })

/** Polls an execution until its status is one of `statuses`. */
async function until(id: string, statuses: Status[]): Promise<components['schemas']['Execution']> {
  let last: components['schemas']['Execution'] | undefined
  await vi.waitUntil(
    async () => {
      const { data } = await client.GET('/api/executions/{id}', { params: { path: { id } } })
      last = data
      return data !== undefined && statuses.includes(data.status)
    },
    { timeout: 10_000, interval: 20 },
  )
  if (!last) throw new Error(`execution ${id} never answered`)
  return last
}

describe('an openapi-fetch client typed from the document', () => {
  it('puts a flow, triggers it, polls, lists, kills and replays without a cast', async () => {
    const id = uniqueId('client')
    const put = await client.PUT('/api/flows/{id}', {
      params: { path: { id } },
      body: {
        tasks: [
          { id: 'hello', type: 'log', message: 'hello {{ input.body.name }}' },
          { id: 'approval', type: 'wait', event: 'approved' },
        ],
      },
    })
    expect(put.response.status).toBe(201)
    expect(put.data?.revision).toBe(1)

    const started = await client.POST('/api/flows/{id}/executions', {
      params: { path: { id } },
      body: { name: 'Ada' },
    })
    expect(started.response.status).toBe(202)
    const executionId = started.response.headers.get('x-execution-id') ?? ''
    expect(started.response.headers.get('location')).toContain(`/api/executions/${executionId}`)

    const waiting = await until(executionId, ['waiting'])
    expect(waiting.taskRuns.find((run) => run.taskId === 'approval')?.waitingFor).toBe('approved')

    // the list follows the objects through the index queue, a moment behind
    await vi.waitUntil(
      async () => {
        const listed = await client.GET('/api/executions', { params: { query: { flowId: id, limit: 10 } } })
        return listed.data?.items.some((item) => item.id === executionId)
      },
      { timeout: 5_000, interval: 50 },
    )

    const killed = await client.POST('/api/executions/{id}/kill', { params: { path: { id: executionId } } })
    expect(killed.response.status).toBe(202)
    expect(killed.data?.statusUrl).toContain(executionId)
    await until(executionId, ['killed'])

    const again = await client.POST('/api/executions/{id}/kill', { params: { path: { id: executionId } } })
    expect(again.error?.error.code).toBe('conflict')

    const replay = await client.POST('/api/executions/{id}/replay', {
      params: { path: { id: executionId } },
      body: { fromTaskId: 'approval' },
    })
    expect(replay.response.status).toBe(201)
    expect(replay.data).toMatchObject({ replayOf: executionId, fromTaskId: 'approval', reused: 1 })
    const replayed = await until(replay.data?.executionId ?? '', ['waiting'])
    expect(replayed.replayOf).toBe(executionId)

    const sent = await client.POST('/api/executions/{id}/events/{name}', {
      params: { path: { id: replayed.id, name: 'approved' } },
      body: { by: 'Grace' },
    })
    expect(sent.data).toMatchObject({ event: 'approved', delivered: true })
    expect((await until(replayed.id, ['completed'])).status).toBe('completed')
  })

  it('reads a refusal as the typed Error, with the path of the bad field', async () => {
    const bad = await client.GET('/api/executions', { params: { query: { limit: 0 } } })
    expect(bad.response.status).toBe(400)
    expect(bad.error?.error).toMatchObject({ code: 'invalid_request', issues: [{ path: 'limit' }] })
  })
})
