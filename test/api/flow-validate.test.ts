import { describe, expect, it } from 'vitest'
import { call, json, putFlow, uniqueId } from '../helpers/api'

const YAML = { 'content-type': 'application/yaml' }
const JSON_TYPE = { 'content-type': 'application/json' }

describe('POST /api/flows/:id/validate', () => {
  it('answers valid for a flow PUT would take, and stores nothing', async () => {
    const id = uniqueId()
    const response = await call('POST', `/api/flows/${id}/validate`, 'tasks:\n  - id: done\n    type: return\n', YAML)
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({ valid: true, issues: [] })
    expect((await call('GET', `/api/flows/${id}`)).status).toBe(404)
  })

  it('places every issue PUT reports at its line and column of the YAML sent', async () => {
    const id = uniqueId()
    await putFlow(id, { tasks: [{ id: 'done', type: 'return' }] })
    const text = [
      'mode: sync',
      'tasks:',
      '  - id: first',
      '    type: teleport',
      '  - id: second',
      '    type: http',
      '',
    ].join('\n')
    const answer = await json(call('POST', `/api/flows/${id}/validate`, text, YAML))
    expect(answer.valid).toBe(false)
    expect(answer.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'tasks.0.type', line: 4, column: 11 }),
        // a missing field is placed at the task that lacks it
        expect.objectContaining({ path: 'tasks.1.url', line: 5, column: 5 }),
      ]),
    )
    const put = await json(call('PUT', `/api/flows/${id}`, text, YAML))
    expect(put.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(
      answer.issues.map((issue: { path: string }) => issue.path).sort(),
    )
    expect((await json(call('GET', `/api/flows/${id}`))).revision).toBe(1)
  })

  it('places an issue in JSON text too, and a syntax error where it is', async () => {
    const id = uniqueId()
    const text = '{\n  "tasks": [\n    { "id": "a", "type": "set", "values": { "x": "{{ input.( }}" } }\n  ]\n}'
    const answer = await json(call('POST', `/api/flows/${id}/validate`, text, JSON_TYPE))
    expect(answer.issues).toEqual([expect.objectContaining({ path: 'tasks.0.values.x', line: 3 })])
    const broken = await json(call('POST', `/api/flows/${id}/validate`, 'tasks:\n  - id: a\n   type: [\n', YAML))
    expect(broken.valid).toBe(false)
    expect(broken.issues).toHaveLength(1)
    expect(broken.issues[0]).toMatchObject({ path: '' })
    expect(broken.issues[0].line).toBeGreaterThanOrEqual(3)
    const badJson = await json(
      call('POST', `/api/flows/${id}/validate`, '{\n  "tasks": [\n    {"id": }\n  ]\n}', JSON_TYPE),
    )
    expect(badJson).toMatchObject({ valid: false, issues: [{ path: '', line: 3 }] })
  })

  it('refuses what PUT refuses before reading: another media type', async () => {
    const response = await call('POST', `/api/flows/${uniqueId()}/validate`, 'tasks: []', {
      'content-type': 'text/plain',
    })
    expect(response.status).toBe(415)
  })
})
