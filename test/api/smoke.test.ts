import { describe, expect, it } from 'vitest'
import { call, json, putFlow, uniqueId, execution } from '../helpers/api'

describe('smoke', () => {
  it('runs a sync flow', async () => {
    const id = uniqueId()
    await putFlow(id, { mode: 'sync', tasks: [{ id: 'greet', type: 'return', body: { hello: '{{ input.body.name }}' } }] })
    const response = await call('POST', `/hooks/${id}`, { name: 'Ada' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ hello: 'Ada' })
    const detail = await execution(response.headers.get('x-execution-id')!)
    expect(detail.status).toBe('completed')
  })
})
