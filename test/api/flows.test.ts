import { describe, expect, it } from 'vitest'
import { call, json, listed, putFlow, uniqueId, waitFor } from '../helpers/api'

const simple = { tasks: [{ id: 'done', type: 'return', body: { ok: true } }] }

describe('PUT /api/flows/:id', () => {
  it('creates revision 1 with 201, then answers 200 with the same revision for identical content', async () => {
    const id = uniqueId()
    const created = await call('PUT', `/api/flows/${id}`, simple)
    expect(created.status).toBe(201)
    expect(await json(created)).toMatchObject({ id, revision: 1, enabled: true, changed: true })
    const same = await call('PUT', `/api/flows/${id}`, { tasks: [{ type: 'return', body: { ok: true }, id: 'done' }] })
    expect(same.status).toBe(200)
    expect(await json(same)).toMatchObject({ revision: 1, changed: false })
  })

  it('stores changed content as the next immutable revision', async () => {
    const id = uniqueId()
    await putFlow(id, simple)
    const changed = await json(call('PUT', `/api/flows/${id}`, { mode: 'sync', ...simple }))
    expect(changed).toMatchObject({ revision: 2, changed: true })
    const first = await json(call('GET', `/api/flows/${id}/revisions/1`))
    expect(first.definition.mode).toBe('async')
    const history = await json(call('GET', `/api/flows/${id}/revisions`))
    expect(history.items.map((item: { revision: number }) => item.revision)).toEqual([2, 1])
    expect(history.nextCursor).toBeNull()
  })

  it('accepts YAML', async () => {
    const id = uniqueId()
    const yaml = 'mode: sync\ntasks:\n  - id: done\n    type: return\n    status: 201\n'
    const response = await call('PUT', `/api/flows/${id}`, yaml, { 'content-type': 'application/yaml' })
    expect(response.status).toBe(201)
    expect((await json(response)).definition.tasks[0]).toEqual({ id: 'done', type: 'return', status: 201 })
  })

  it('refuses an invalid flow with 400 and the path and message of every issue', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [
        { id: 'a', type: 'http' },
        { id: 'a', type: 'teleport' },
        { id: 'c', type: 'if', condition: 'input.x >', then: [] },
      ],
    })
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error.code).toBe('invalid_flow')
    const paths = error.issues.map((issue: { path: string }) => issue.path)
    expect(paths).toContain('tasks.0.url')
    expect(paths).toContain('tasks.1.type')
    expect(paths).toContain('tasks.2.then')
    expect(error.issues.find((issue: { path: string }) => issue.path === 'tasks.1.type').message).toContain('teleport')
  })

  it('reports bad expressions and duplicate ids with their paths', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [
        { id: 'a', type: 'set', values: { x: '{{ input.( }}' } },
        { id: 'b', type: 'parallel', branches: [[{ id: 'a', type: 'log', message: 'hi' }]] },
      ],
    })
    const { error } = await json(response)
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'tasks.1.branches.0.0.id', message: 'duplicate task id "a"' }),
      ]),
    )
    const second = await call('PUT', `/api/flows/${uniqueId()}`, {
      tasks: [{ id: 'a', type: 'set', values: { x: '{{ input.( }}' } }],
    })
    const issues = (await json(second)).error.issues
    expect(issues[0].path).toBe('tasks.0.values.x')
  })

  it('refuses a syncTimeout over 100 s with 400 at its path', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, { mode: 'sync', syncTimeout: '3h', ...simple })
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error).toMatchObject({ code: 'invalid_flow', issues: [{ path: 'syncTimeout' }] })
    expect(error.issues[0].message).toContain('100s at most')
  })

  it('refuses malformed JSON and YAML bodies, and bad flow ids', async () => {
    const badJson = await call('PUT', `/api/flows/${uniqueId()}`, '{"tasks": [', { 'content-type': 'application/json' })
    expect(badJson.status).toBe(400)
    expect((await json(badJson)).error.code).toBe('invalid_json')
    const badYaml = await call('PUT', `/api/flows/${uniqueId()}`, 'tasks: [a, ', { 'content-type': 'application/yaml' })
    expect((await json(badYaml)).error.code).toBe('invalid_yaml')
    const badId = await call('PUT', '/api/flows/9-lives', simple)
    expect(badId.status).toBe(400)
    expect((await json(badId)).error.issues[0].message).toContain('must start with a letter')
  })
})

describe('concurrent PUTs of one flow', () => {
  it('each get their own revision, never a 500', async () => {
    const id = uniqueId()
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, n) => call('PUT', `/api/flows/${id}`, { name: `v${n}`, ...simple })),
    )
    const statuses = responses.map((response) => response.status)
    expect(statuses.filter((status) => status === 201)).toHaveLength(1)
    expect(statuses.filter((status) => status === 200)).toHaveLength(19)
    const bodies = await Promise.all(responses.map((response) => json(response)))
    const revisions = bodies.map((body) => body.revision).sort((a, b) => a - b)
    expect(revisions).toEqual(Array.from({ length: 20 }, (_, n) => n + 1))
    const history = await json(call('GET', `/api/flows/${id}/revisions`))
    expect(history.items).toHaveLength(20)
    expect((await json(call('GET', `/api/flows/${id}`))).revision).toBe(20)
  })

  it('of identical content make one revision', async () => {
    const id = uniqueId()
    const responses = await Promise.all(Array.from({ length: 10 }, () => call('PUT', `/api/flows/${id}`, simple)))
    const bodies = await Promise.all(responses.map((response) => json(response)))
    expect(bodies.map((body) => body.revision)).toEqual(Array(10).fill(1))
    expect(bodies.filter((body) => body.changed)).toHaveLength(1)
  })
})

describe('deeply nested flows', () => {
  /** `levels` ifs, each in the `then` of the one before, around a log task. */
  function nestedIfs(levels: number) {
    let task: object = { id: 'leaf', type: 'log', message: 'deep' }
    for (let level = levels; level > 0; level--)
      task = { id: `if${level}`, type: 'if', condition: 'true', then: [task] }
    return { mode: 'sync', tasks: [task] }
  }

  /** The same flow as block YAML, indented two spaces a level. */
  function nestedIfsYaml(levels: number) {
    const lines = ['mode: sync', 'tasks:']
    for (let level = 1; level <= levels; level++) {
      const indent = ' '.repeat(4 * (level - 1))
      lines.push(`${indent}- id: if${level}`, `${indent}  type: if`, `${indent}  condition: 'true'`, `${indent}  then:`)
    }
    const indent = ' '.repeat(4 * levels)
    lines.push(`${indent}- id: leaf`, `${indent}  type: log`, `${indent}  message: deep`)
    return lines.join('\n')
  }

  const yaml = { 'content-type': 'application/yaml' }

  it('answer 400 naming the limits for 2,000 nested ifs, as JSON or YAML', async () => {
    const tooDeep = [
      call('PUT', `/api/flows/${uniqueId()}`, nestedIfs(2_000)),
      call('PUT', `/api/flows/${uniqueId()}`, JSON.stringify(nestedIfs(2_000)), yaml),
      call('PUT', `/api/flows/${uniqueId()}`, nestedIfsYaml(300), yaml),
    ]
    for (const response of await Promise.all(tooDeep)) {
      expect(response.status).toBe(400)
      const { error } = await json(response)
      expect(error.code).toBe('invalid_flow')
      expect(error.issues).toEqual([{ path: '', message: expect.stringMatching(/256 levels .* tasks 64 levels/) }])
    }
  })

  it('answer 400 with the path of a task 65 levels deep, and run one 64 levels deep', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, nestedIfsYaml(64), yaml)
    expect(response.status).toBe(400)
    expect((await json(response)).error.issues[0].message).toBe('tasks nest 64 levels deep at most')
    const id = uniqueId()
    expect((await call('PUT', `/api/flows/${id}`, nestedIfsYaml(63), yaml)).status).toBe(201)
    expect((await call('POST', `/hooks/${id}`, {})).status).toBe(200)
  })
})

describe('GET /api/flows', () => {
  it('lists flows by id with a cursor and shows the latest definition of one', async () => {
    const ids = [uniqueId('list'), uniqueId('list')].sort()
    for (const id of ids) await putFlow(id, simple)
    const page = await json(call('GET', '/api/flows?limit=1'))
    expect(page.items).toHaveLength(1)
    expect(page.nextCursor).toBeTypeOf('string')
    const flow = await json(call('GET', `/api/flows/${ids[0]}`))
    expect(flow).toMatchObject({
      id: ids[0],
      revision: 1,
      enabled: true,
      nextScheduledAt: null,
      definition: { tasks: simple.tasks },
    })
  })

  it('answers 404 for an unknown flow or revision', async () => {
    expect((await call('GET', '/api/flows/nothing_here')).status).toBe(404)
    const id = uniqueId()
    await putFlow(id, simple)
    expect((await call('GET', `/api/flows/${id}/revisions/7`)).status).toBe(404)
  })
})

describe('DELETE /api/flows/:id', () => {
  it('disables the flow, keeps its history, and a later PUT enables it again', async () => {
    const id = uniqueId()
    await putFlow(id, simple)
    expect((await call('DELETE', `/api/flows/${id}`)).status).toBe(204)
    expect(await json(call('GET', `/api/flows/${id}`))).toMatchObject({ enabled: false, revision: 1 })
    expect((await call('POST', `/hooks/${id}`, {})).status).toBe(404)
    expect((await call('POST', `/api/flows/${id}/executions`, {})).status).toBe(404)
    expect(await json(call('PUT', `/api/flows/${id}`, simple))).toMatchObject({ enabled: true, revision: 1 })
    expect((await call('POST', `/hooks/${id}`, {})).status).toBe(202)
  })

  it('answers 404 for an unknown flow', async () => {
    expect((await call('DELETE', '/api/flows/never_was')).status).toBe(404)
  })
})

describe('DELETE /api/flows/:id?purge=true', () => {
  it('deletes the flow and every revision for good; the id can be used again from revision 1', async () => {
    const id = uniqueId()
    await putFlow(id, simple)
    await putFlow(id, { mode: 'sync', ...simple })
    expect((await call('DELETE', `/api/flows/${id}?purge=true`)).status).toBe(204)
    for (const path of ['', '/revisions', '/revisions/1']) {
      expect((await call('GET', `/api/flows/${id}${path}`)).status).toBe(404)
    }
    expect(
      (await json(call('GET', '/api/flows?limit=100'))).items.map((flow: { id: string }) => flow.id),
    ).not.toContain(id)
    expect((await call('POST', `/hooks/${id}`, {})).status).toBe(404)
    expect((await call('DELETE', `/api/flows/${id}?purge=true`)).status).toBe(404)
    expect(await putFlow(id, simple)).toMatchObject({ revision: 1, changed: true })
  })

  it('is refused with 409 not_final while an execution has not ended, and works once it has; ended executions stay', async () => {
    const id = uniqueId()
    await putFlow(id, { tasks: [{ id: 'approval', type: 'wait', event: 'approved' }] })
    const executionId = (await call('POST', `/hooks/${id}`, {})).headers.get('x-execution-id')!
    await waitFor(executionId, (e) => e.status === 'waiting')
    await listed(`flowId=${id}&status=waiting`, 1)
    const refused = await call('DELETE', `/api/flows/${id}?purge=true`)
    expect(refused.status).toBe(409)
    expect((await json(refused)).error).toEqual({
      code: 'not_final',
      message: `flow ${id} has executions that have not ended, ${executionId} among them: kill them or wait for them to end`,
    })
    expect((await call('GET', `/api/flows/${id}`)).status).toBe(200)
    await call('POST', `/api/executions/${executionId}/kill`)
    await listed(`flowId=${id}&status=killed`, 1)
    expect((await call('DELETE', `/api/flows/${id}?purge=true`)).status).toBe(204)
    expect((await call('GET', `/api/flows/${id}`)).status).toBe(404)
    expect((await json(call('GET', `/api/executions/${executionId}`))).status).toBe('killed')
    expect((await call('POST', `/api/executions/${executionId}/replay`, {})).status).toBe(400)
  })

  it('answers 404 for an unknown flow and 400 for a purge that is neither true nor false', async () => {
    expect((await call('DELETE', '/api/flows/never_was?purge=true')).status).toBe(404)
    const id = uniqueId()
    await putFlow(id, simple)
    const bad = await call('DELETE', `/api/flows/${id}?purge=yes`)
    expect(bad.status).toBe(400)
    expect((await json(bad)).error.issues.map((issue: { path: string }) => issue.path)).toEqual(['purge'])
    expect((await call('DELETE', `/api/flows/${id}?purge=false`)).status).toBe(204)
    expect(await json(call('GET', `/api/flows/${id}`))).toMatchObject({ enabled: false })
  })
})
