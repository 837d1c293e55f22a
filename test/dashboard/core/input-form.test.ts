import { describe, expect, it } from 'vitest'
import { bodyOf, inputFields } from '../../../src/dashboard/core/input-form'

const schema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', default: 'world' },
    count: { type: 'integer' },
    ratio: { type: 'number' },
    loud: { type: 'boolean' },
    mood: { enum: ['calm', 'cheerful'] },
    extra: { type: 'object', description: 'anything else' },
  },
}

describe("the Execute form of a flow's input schema", () => {
  it('makes a typed field per property, required where the schema says', () => {
    const fields = inputFields(schema)
    expect(fields?.map((field) => [field.name, field.kind, field.required])).toEqual([
      ['name', 'text', true],
      ['count', 'integer', false],
      ['ratio', 'number', false],
      ['loud', 'boolean', false],
      ['mood', 'choice', false],
      ['extra', 'json', false],
    ])
    expect(fields?.[0]?.initial).toBe('world')
    expect(fields?.[4]?.choices).toEqual(['calm', 'cheerful'])
    expect(fields?.[5]?.description).toBe('anything else')
  })

  it('makes no fields for a schema that is not of an object with properties', () => {
    for (const other of [undefined, true, { type: 'array' }, { type: 'object' }]) expect(inputFields(other)).toBeNull()
  })

  it('types the posted fields back, leaving empty optional ones out', () => {
    const fields = inputFields(schema) ?? []
    const form = { 'input.name': 'Ada', 'input.count': '3', 'input.ratio': '', 'input.extra': '{"a":[1]}' }
    expect(bodyOf(fields, form)).toEqual({ ok: true, body: { name: 'Ada', count: 3, loud: false, extra: { a: [1] } } })
    expect(bodyOf(fields, { 'input.count': '2.5', 'input.extra': '{' })).toMatchObject({
      ok: false,
      issues: [{ path: 'count' }, { path: 'extra' }],
    })
  })
})
