import { describe, expect, it } from 'vitest'
import { InputValidator, invalidInput, schemaProblems } from '../../src/flow/input-schema'
import { validateFlow, FlowInvalid } from '../../src/flow/compile'

const paths = (schema: object | boolean) => schemaProblems(schema as never).map((problem) => problem.path.join('.'))

describe('input schemas at PUT', () => {
  it('accept draft 2020-12 schemas (the default), booleans, and the drafts named in $schema', () => {
    expect(paths({ type: 'object', required: ['a'], properties: { a: { type: 'string' } } })).toEqual([])
    expect(paths({ prefixItems: [{ type: 'string' }], $defs: { x: { type: 'integer' } }, $ref: '#/$defs/x' })).toEqual(
      [],
    )
    expect(paths(true)).toEqual([])
    expect(paths({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'string' })).toEqual([])
  })

  it('name the path of what is wrong: a bad type, a bad keyword value, an unknown draft', () => {
    expect(paths({ type: 'text' })).toEqual(['type'])
    expect(paths({ properties: { a: { minLength: -1 } } })).toEqual(['properties.a.minLength'])
    expect(paths({ required: 'a' })).toEqual(['required'])
    expect(paths({ $schema: 'https://example.com/my-draft' })).toEqual(['$schema'])
  })

  it('refuse a $ref that points nowhere and a pattern RE2 cannot run', () => {
    expect(paths({ properties: { a: { $ref: '#/$defs/missing' } } })).toEqual(['properties.a.$ref'])
    expect(paths({ properties: { a: { pattern: '^(?=a)' } } })).toEqual(['properties.a.pattern'])
    expect(paths({ patternProperties: { '(a)\\1': {} } })).toEqual(['patternProperties.(a)\\1'])
  })

  it('are checked as part of the flow, under "input"', () => {
    const flow = {
      input: { type: 'object', properties: { n: { type: 'nope' } } },
      tasks: [{ id: 'x', type: 'log', message: '.' }],
    }
    expect(() => validateFlow(flow)).toThrow(FlowInvalid)
    try {
      validateFlow(flow)
    } catch (error) {
      expect((error as FlowInvalid).issues.map((issue) => issue.path)).toEqual(['input.properties.n.type'])
    }
  })
})

describe('input schemas at a start', () => {
  const validator = new InputValidator({
    type: 'object',
    required: ['customer'],
    properties: {
      customer: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^c_[0-9]+$' } } },
      items: { type: 'array', items: { type: 'integer' } },
    },
    additionalProperties: false,
  })

  it('find nothing wrong with a matching body', () => {
    expect(validator.check({ customer: { id: 'c_1' }, items: [1, 2] })).toEqual([])
  })

  it('list every problem once, with its path from the body root', () => {
    const issues = validator.check({ customer: { id: 'x' }, items: [1, 'two'], extra: true })
    expect(issues.map((issue) => issue.path)).toEqual(['customer.id', 'items.1', 'extra'])
    expect(validator.check('text')).toEqual([{ path: '', message: expect.stringContaining('string') }])
    expect(validator.check({}).map((issue) => issue.path)).toEqual([''])
  })

  it('run patterns on RE2: a catastrophic pattern ends at once on a hostile body', () => {
    const hostile = new InputValidator({ type: 'string', pattern: '^(a+)+$' })
    const started = performance.now()
    expect(hostile.check(`${'a'.repeat(5_000)}!`)).toHaveLength(1)
    expect(hostile.check('aaaa')).toEqual([])
    expect(performance.now() - started).toBeLessThan(1_000)
    // and the global RegExp is the native one again
    expect(new RegExp('^(a)\\1$', 'u').test('aa')).toBe(true)
  })

  it('turn problems into a validation_error that carries them', () => {
    const error = invalidInput([{ path: 'customer.id', message: 'String does not match pattern.' }])
    expect(error).toMatchObject({ type: 'validation_error', taskId: null, issues: [{ path: 'customer.id' }] })
    expect(error.message).toContain('customer.id: String does not match pattern.')
  })
})
