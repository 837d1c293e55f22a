import { describe, expect, it } from 'vitest'
import { call, execution, json, listed, putFlow, uniqueId } from '../helpers/api'

const schema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 }, age: { type: 'integer', minimum: 0 } },
}

describe('typed inputs', () => {
  it('refuse a flow whose input is not a JSON Schema: 400 naming the path', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, {
      input: { type: 'object', properties: { age: { type: 'int' } } },
      tasks: [{ id: 'x', type: 'log', message: '.' }],
    })
    expect(response.status).toBe(400)
    const body = await json(response)
    expect(body.error.code).toBe('invalid_flow')
    expect(body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['input.properties.age.type'])
  })

  for (const mode of ['sync', 'async'] as const) {
    it(`answer 400 with the issues to a ${mode} trigger whose body does not match, and keep a failed execution`, async () => {
      const id = uniqueId()
      await putFlow(id, {
        mode,
        input: schema,
        tasks: [{ id: 'hello', type: 'return', body: 'hi {{ input.body.name }}' }],
      })
      const response = await call('POST', `/hooks/${id}`, { age: -1 })
      expect(response.status).toBe(400)
      const body = await json(response)
      expect(body.error.code).toBe('invalid_input')
      expect(body.error.issues).toEqual([
        { path: '', message: expect.stringContaining('"name"') },
        { path: 'age', message: expect.stringContaining('0') },
      ])
      const executionId = response.headers.get('x-execution-id')!
      const detail = await execution(executionId)
      expect(detail).toMatchObject({
        status: 'failed',
        error: { type: 'validation_error', taskId: null, issues: body.error.issues },
        output: { status: 400, body },
        taskRuns: [],
      })
      const page = await listed(`flowId=${id}&status=failed`, 1)
      expect(page.items[0]).toMatchObject({ id: executionId, error: { type: 'validation_error' } })
      // a body that matches runs
      const ok = await call('POST', `/api/flows/${id}/executions`, { name: 'Ada', age: 36 })
      expect(ok.status).toBe(mode === 'sync' ? 200 : 202)
    })
  }
})
