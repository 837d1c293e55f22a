import { describe, expect, it } from 'vitest'
import { asText } from '../../src/domain/text'
import {
  type Compiled,
  compileExpression,
  compileTemplate,
  compileValue,
  evaluate,
  type ExpressionContext,
  ExpressionError,
} from '../../src/flow/expression'

const context: ExpressionContext = {
  input: {
    headers: {},
    body: { email: 'ada@example.com', n: 3, user: { name: 'Ada', tags: ['a', 'b'] } },
    metadata: {},
  },
  outputs: { lookup: { status: 200, body: { id: 7 } } },
  vars: { greeting: 'hi' },
  execution: { id: 'e1', flowId: 'f', revision: 2, startedAt: null },
  item: { sku: 'X1' },
  index: 4,
}

const run = (compiled: Compiled) => evaluate(compiled, context)

/** The ExpressionError thrown by `act` (sync or async), or a test failure. */
async function expressionError(act: () => unknown): Promise<ExpressionError> {
  try {
    await act()
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError)
    return error as ExpressionError
  }
  throw new Error('expected an ExpressionError')
}

describe('templates', () => {
  it('keeps a string without {{ }} as a constant that is never evaluated', () => {
    expect(compileTemplate('plain text')).toEqual({ constant: true, value: 'plain text' })
  })

  it('yields the raw value when the string is exactly one {{ expr }}', async () => {
    expect(compileTemplate('{{ input.body.n }}').constant).toBe(false)
    expect(await run(compileTemplate('{{ input.body.n }}'))).toBe(3)
    expect(await run(compileTemplate('{{ input.body.user }}'))).toEqual({ name: 'Ada', tags: ['a', 'b'] })
    expect(await run(compileTemplate('{{ outputs.lookup.status = 200 }}'))).toBe(true)
  })

  it('yields plain arrays for JSONata sequences', async () => {
    const value = await run(compileTemplate('{{ input.body.user.tags }}'))
    expect(Array.isArray(value)).toBe(true)
    expect(value).toEqual(['a', 'b'])
  })

  it('yields null for an expression that matches nothing', async () => {
    expect(await run(compileTemplate('{{ input.body.missing }}'))).toBeNull()
  })

  it('interpolates several expressions and surrounding text as text', async () => {
    expect(
      await run(compileTemplate('https://api.example.com/users/{{ input.body.email }}?n={{ input.body.n }}')),
    ).toBe('https://api.example.com/users/ada@example.com?n=3')
    expect(await run(compileTemplate('{{ vars.greeting }} {{ input.body.user.name }}'))).toBe('hi Ada')
  })

  it('writes objects and arrays as JSON when interpolating', async () => {
    expect(await run(compileTemplate('user={{ input.body.user }}'))).toBe('user={"name":"Ada","tags":["a","b"]}')
  })

  it('writes null and missing values as empty text when interpolating', async () => {
    expect(await run(compileTemplate('[{{ input.body.missing }}][{{ null }}]'))).toBe('[][]')
  })

  it('sees item, index and the execution', async () => {
    expect(await run(compileTemplate('{{ index }}:{{ item.sku }}:{{ execution.revision }}'))).toBe('4:X1:2')
  })
})

describe('asText', () => {
  it('writes strings as they are, null and undefined as empty text, anything else as JSON', () => {
    expect([asText('a'), asText(null), asText(undefined), asText(3), asText(true), asText({ a: [1] })]).toEqual([
      'a',
      '',
      '',
      '3',
      'true',
      '{"a":[1]}',
    ])
  })
})

describe('compileExpression', () => {
  it('compiles a bare expression and tolerates surrounding {{ }}', async () => {
    expect(await run(compileExpression('outputs.lookup.body.id + 1'))).toBe(8)
    expect(await run(compileExpression('{{ outputs.lookup.body.id + 1 }}'))).toBe(8)
  })

  it('refuses an empty expression', async () => {
    const error = await expressionError(() => compileExpression('  ', ['tasks', 0, 'condition']))
    expect(error.path).toEqual(['tasks', 0, 'condition'])
  })

  it('throws an ExpressionError with the path on a syntax error', async () => {
    const error = await expressionError(() => compileExpression('input.x >', ['tasks', 0, 'condition']))
    expect(error.path).toEqual(['tasks', 0, 'condition'])
    expect(error.type).toBe('expression_error')
    expect(error.message).toContain('input.x >')
  })

  it('throws an ExpressionError with the path when evaluation fails', async () => {
    const compiled = compileExpression('"text" + 1', ['tasks', 2, 'items'])
    const error = await expressionError(() => run(compiled))
    expect(error.path).toEqual(['tasks', 2, 'items'])
    expect(error.message).toContain('failed')
  })
})

describe('compileValue', () => {
  it('keeps numbers, booleans, null and objects without templates as constants', () => {
    const body = { a: 1, b: [true, null, 'x'], c: { d: 'plain' } }
    expect(compileValue(5)).toEqual({ constant: true, value: 5 })
    expect(compileValue(null)).toEqual({ constant: true, value: null })
    expect(compileValue(body)).toEqual({ constant: true, value: body })
  })

  it('walks objects and arrays, evaluating every template in them', async () => {
    const compiled = compileValue({
      user: '{{ input.body.user.name }}',
      ids: ['{{ outputs.lookup.body.id }}', 2],
      fixed: 'x',
    })
    expect(compiled.constant).toBe(false)
    expect(await run(compiled)).toEqual({ user: 'Ada', ids: [7, 2], fixed: 'x' })
  })

  it('reports a syntax error deep in a value with its full path', async () => {
    const error = await expressionError(() => compileValue({ body: { list: ['ok', '{{ $$( }}'] } }, ['tasks', 1]))
    expect(error.path).toEqual(['tasks', 1, 'body', 'list', 1])
  })

  it('reports an evaluation error deep in a value with its full path', async () => {
    const compiled = compileValue({ headers: { 'x-n': 'n={{ "a" - 1 }}' } }, ['tasks', 0])
    const error = await expressionError(() => run(compiled))
    expect(error.path).toEqual(['tasks', 0, 'headers', 'x-n'])
  })
})

describe('evaluate', () => {
  it('returns constants synchronously', () => {
    expect(evaluate(compileValue({ a: 1 }), context)).toEqual({ a: 1 })
  })
})
