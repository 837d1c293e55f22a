import { describe, expect, it } from 'vitest'
import { compileFlow, FlowInvalid, validateFlow } from '../../src/flow/compile'
import {
  compileExpression,
  compileTemplate,
  compileValue,
  evaluate,
  type ExpressionContext,
  ExpressionError,
} from '../../src/flow/expression'
import { FlowDefinition } from '../../src/flow/schema'
import { lookupSecret, SecretUnavailable } from '../../src/domain/flow-secrets'

const env: Record<string, string> = { FLOW_SECRET_KEY: 'k-123', API_TOKEN: 'the-api-token', FLOW_SECRET_EMPTY: '' }
/** Reads from `env` as an execution does. */
const secrets = {
  read(name: string) {
    const found = lookupSecret(env, name)
    if (!found.ok) throw new SecretUnavailable(found.message)
    return found.value
  },
}
const context = (withSecrets = true): ExpressionContext => ({
  input: { body: { name: 'KEY' } },
  outputs: {},
  vars: {},
  execution: { id: 'e', flowId: 'f', revision: 1, startedAt: null },
  ...(withSecrets ? { secrets } : {}),
})

const read = (text: string) => evaluate(compileTemplate(text), context())

/** The issues `validateFlow` reports (none when it is valid). */
function issuesOf(definition: unknown, withEnv: Record<string, unknown> | null = env) {
  try {
    validateFlow(definition, withEnv ?? undefined)
    return []
  } catch (error) {
    if (error instanceof FlowInvalid) return error.issues
    throw error
  }
}

const http = (extra: object) => ({ tasks: [{ id: 'call', type: 'http', url: 'https://example.com/', ...extra }] })

describe('lookupSecret', () => {
  it('reads FLOW_SECRET_<NAME> and nothing else', () => {
    expect(lookupSecret(env, 'KEY')).toEqual({ ok: true, value: 'k-123' })
    const token = lookupSecret(env, 'API_TOKEN')
    expect(token).toMatchObject({ ok: false })
    expect(JSON.stringify(token)).not.toContain('the-api-token')
    expect(token).toMatchObject({ message: expect.stringContaining('FLOW_SECRET_API_TOKEN is not set') })
  })

  it('refuses empty values, bad names and names written with the prefix', () => {
    expect(lookupSecret(env, 'EMPTY')).toMatchObject({ ok: false, message: expect.stringContaining('not set') })
    expect(lookupSecret(env, 'lower')).toMatchObject({ ok: false, message: expect.stringContaining('upper-case') })
    expect(lookupSecret(env, 'FLOW_SECRET_KEY')).toMatchObject({
      ok: false,
      message: expect.stringContaining("$secret('KEY')"),
    })
  })
})

describe('$secret in expressions', () => {
  it('reads a secret, whole or inside a longer string', async () => {
    expect(await read("{{ $secret('KEY') }}")).toBe('k-123')
    expect(await read("Bearer {{ $secret('KEY') }}")).toBe('Bearer k-123')
    expect(await read('{{ $secret(input.body.name) }}')).toBe('k-123')
  })

  it('never shows the secrets as part of the document', async () => {
    expect(await read('{{ $keys($) }}')).toEqual(['input', 'outputs', 'vars', 'execution'])
  })

  it('fails with validation_error for a secret that cannot be read, or where none can be', async () => {
    const unknown = await Promise.resolve(
      evaluate(compileExpression('$secret("API_TOKEN")', ['tasks', 0, 'url']), context()),
    ).catch((error: unknown) => error)
    expect(unknown).toBeInstanceOf(ExpressionError)
    expect(unknown).toMatchObject({ type: 'validation_error', path: ['tasks', 0, 'url'] })
    expect((unknown as Error).message).toContain('FLOW_SECRET_API_TOKEN is not set')
    await expect(evaluate(compileExpression("$secret('KEY')"), context(false))).rejects.toMatchObject({
      type: 'validation_error',
      message: expect.stringContaining('cannot be read here'),
    })
    await expect(evaluate(compileExpression('$secret(42)'), context())).rejects.toMatchObject({
      type: 'validation_error',
    })
  })

  it('counts against the budget like any other evaluation', async () => {
    const loop = compileExpression("$count([1..1000].($string($))) & $secret('KEY')", [], {
      steps: 500,
      depth: 100,
      size: 10_000,
    })
    await expect(evaluate(loop, context())).rejects.toMatchObject({
      type: 'expression_error',
      message: expect.stringContaining('steps budget of 500'),
    })
  })

  it('lists the secrets named literally, with their paths', () => {
    const value = compileValue({ a: "{{ $secret('KEY') }}", b: ['x {{ $secret("OTHER") }} {{ $secret(vars.n) }}'] }, [
      'p',
    ])
    expect(value.constant ? [] : value.secrets).toEqual([
      { name: 'KEY', path: ['p', 'a'] },
      { name: 'OTHER', path: ['p', 'b', 0] },
    ])
  })
})

describe('where $secret may be called', () => {
  /** Each way an expression could derive a part or a transformation of a secret, with what the refusal names. */
  const REFUSED: [expression: string, names: string][] = [
    ["$substring($secret('KEY'), 0, 13)", 'as an argument of $substring'],
    ["$uppercase($secret('KEY'))", 'as an argument of $uppercase'],
    ["$string($secret('KEY'))", 'as an argument of $string'],
    ["$length($secret('KEY'))", 'as an argument of $length'],
    ["$base64encode('u:' & $secret('KEY'))", 'as an argument of $base64encode'],
    ["$secret($secret('KEY'))", 'as an argument of $secret'],
    ["$secret('KEY') ~> $substring(0, 3)", 'applied to a function with ~>'],
    ["$secret('KEY').$substring($, 0, 3)", 'in a path'],
    ["input.($secret('KEY'))", 'in a path'],
    ["$secret('KEY')[0]", 'filtered, indexed'],
    ["[$secret('KEY')][$substring($, 0, 1) = 'k']", 'filtered, indexed'],
    ["$secret('KEY'){'a': $}", 'filtered, indexed'],
    ["$secret('KEY')@$s", 'filtered, indexed'],
    ["$secret('KEY')#$i", 'in a path'],
    ["$secret('KEY')^($)", 'in a path'],
    ["$secret('KEY') = 'k-123'", 'as an operand of ='],
    ["$secret('KEY') < 'm'", 'as an operand of <'],
    ["$secret('KEY') in ['k-123']", 'as an operand of in'],
    ["$secret('KEY') + 1", 'as an operand of +'],
    ["-$secret('KEY')", 'as an operand of -'],
    ["$secret('KEY') and true", 'as an operand of and'],
    ["$secret('KEY') ? 'a' : 'b'", 'in a condition'],
    ["($x := $secret('KEY'); $substring($x, 0, 3))", 'bound to a variable'],
    ["($x := $secret('KEY'); 'Bearer ' & $x)", 'bound to a variable'],
    ["function($n) { $secret($n) }('KEY')", 'as an argument of a function'],
    ["($f := function() { $secret('KEY') }; $substring($f(), 0, 3))", 'bound to a variable'],
    ["($secret('KEY'); 'x')", 'in a value the block discards'],
    ["{$secret('KEY'): 1}", 'as an object key'],
    ["{'a': 1} ~> | $ | {'b': $secret('KEY')} |", 'applied to a function with ~>'],
    ["($t := | $ | {'b': $secret('KEY')} |; {'a': 1} ~> $t)", 'bound to a variable'],
    ["[1, 2].$secret('KEY')", 'in a path'],
    ["$map(['KEY'], $secret)", 'only called by its name'],
    ["($s := $secret; $s('KEY'))", 'only called by its name'],
    ["$secret(?)('KEY')", 'only called by its name'],
    ['$secret', 'only called by its name'],
    ["$lookup({'s': $secret}, 's')('KEY')", 'only called by its name'],
  ]

  it.each(REFUSED)('refuses %s (%s) with the path of its field', (expression, names) => {
    const issues = issuesOf(http({ headers: { authorization: `Bearer {{ ${expression} }}` } }))
    expect(issues).toEqual([{ path: 'tasks.0.headers.authorization', message: expect.stringContaining(names) }])
  })

  it('refuses them in every field that holds expressions: a condition, a bare expression, a key', () => {
    const bad = "$substring($secret('KEY'), 0, 3)"
    const issues = issuesOf({
      concurrency: { limit: 1, key: `{{ ${bad} }}` },
      tasks: [
        { id: 'a', type: 'log', message: 'x', if: bad },
        { id: 'b', type: 'foreach', items: `[${bad}]`, tasks: [{ id: 'c', type: 'log', message: 'x' }] },
      ],
    })
    expect(issues, JSON.stringify(issues)).toHaveLength(3)
    expect(issues.map((issue) => issue.path).sort()).toEqual(['concurrency.key', 'tasks.0.if', 'tasks.1.items'])
  })

  it('accepts a whole value, parts joined with &, elements of what the expression builds, branches of ? :', async () => {
    const allowed = [
      "{{ $secret('KEY') }}",
      "Bearer {{ $secret('KEY') }}",
      "{{ 'Bearer ' & $secret('KEY') & '!' }}",
      "{{ ($secret('KEY')) }}",
      "{{ ($n := 'KEY'; $secret($n)) }}",
      '{{ $secret($uppercase(input.body.name)) }}',
      "{{ input.body.name = 'KEY' ? $secret('KEY') : 'none' }}",
      "{{ [$secret('KEY'), 'plain'] }}",
      "{{ {'token': $secret('KEY')} }}",
    ]
    for (const text of allowed) expect(issuesOf(http({ headers: { 'x-a': text } })), text).toEqual([])
    expect(await read("{{ input.body.name = 'KEY' ? 'Bearer ' & $secret('KEY') : 'none' }}")).toBe('Bearer k-123')
    expect(await read("{{ {'token': $secret('KEY')} }}")).toEqual({ token: 'k-123' })
  })

  it('leaves no other way to reach $secret: it is not part of the document, nor of any frame a function can list', async () => {
    expect(await read("{{ $lookup($$, 'secret') }}")).toBeNull()
    expect(await read("{{ $lookup($, 'secret') }}")).toBeNull()
    expect(await read('{{ $keys($$) }}')).toEqual(['input', 'outputs', 'vars', 'execution'])
    await expect(read("{{ $lookup($$, 'secret')('KEY') }}")).rejects.toMatchObject({ type: 'expression_error' })
  })

  it('keeps $eval from reading a secret: its text is only known when it runs', async () => {
    const sneaky = compileExpression(`$substring($eval('$sec' & 'ret("KEY")'), 0, 3)`)
    await expect(evaluate(sneaky, context())).rejects.toMatchObject({
      type: 'expression_error',
      message: expect.stringContaining('$eval cannot read secrets'),
    })
    // $eval still evaluates everything else, nested too, in the expression's frame
    expect(await read("{{ $eval('1 + a', {'a': 2}) }}")).toBe(3)
    expect(await read('{{ ($x := 5; $eval("$eval(\'$x * 2\')")) }}')).toBe(10)
    expect(await read('{{ $eval(\'{"parsed": [1, 2]}\') }}')).toEqual({ parsed: [1, 2] })
    await expect(evaluate(compileExpression("$eval('(')"), context())).rejects.toMatchObject({
      type: 'expression_error',
    })
  })
})

describe('secrets at PUT', () => {
  it('accepts secrets that are set, and dynamic names', () => {
    expect(issuesOf(http({ headers: { authorization: "Bearer {{ $secret('KEY') }}" } }))).toEqual([])
    expect(issuesOf(http({ headers: { authorization: '{{ $secret(input.body.name) }}' } }))).toEqual([])
  })

  it('reports a literal secret that is not set, with its path, and keeps the value out of the message', () => {
    const issues = issuesOf({
      tasks: [
        { id: 'a', type: 'log', message: "{{ $secret('API_TOKEN') }}" },
        { id: 'b', type: 'log', message: 'x', if: "$secret('MISSING')" },
        { id: 'c', type: 'http', url: 'https://example.com/', sign: { secret: 'NOPE' } },
        { id: 'd', type: 'http', url: 'https://example.com/', sign: { secret: 'KEY' } },
      ],
    })
    expect(issues.map((issue) => issue.path)).toEqual([
      'tasks.0.message',
      'tasks.1.if',
      'tasks.2.sign.secret',
      'tasks.3.sign.secret',
    ])
    expect(issues[3]?.message).toContain('FLOW_SECRET_KEY is not a Standard Webhooks key')
    expect(issues[0]?.message).toContain('FLOW_SECRET_API_TOKEN is not set')
    expect(JSON.stringify(issues)).not.toContain('the-api-token')
  })

  it('refuses bad names whatever the env, and checks existence only when given one', () => {
    expect(issuesOf(http({ url: "{{ $secret('FLOW_SECRET_KEY') }}" }), null)).toEqual([
      { path: 'tasks.0.url', message: expect.stringContaining("$secret('KEY') reads FLOW_SECRET_KEY") },
    ])
    expect(issuesOf(http({ sign: { secret: 'lower' } }), null)[0]?.path).toBe('tasks.0.sign.secret')
    expect(issuesOf(http({ url: "{{ $secret('MISSING') }}" }), null)).toEqual([])
  })

  it('keeps a webhook signing secret out of the names flows can read', () => {
    const issues = issuesOf({ triggers: [{ type: 'webhook', secret: 'FLOW_SECRET_HOOK' }], tasks: [] })
    expect(issues).toContainEqual({ path: 'triggers.0.secret', message: expect.stringContaining('cannot be one') })
  })

  it('gives the compiled flow every secret it names, for the masking of its executions', () => {
    const flow = compileFlow(
      'f',
      1,
      FlowDefinition.parse(
        http({ headers: { authorization: "{{ $secret('KEY') }}" }, sign: { secret: 'SIGNING' }, if: "$secret('C')" }),
      ),
    )
    expect(flow.secrets.map((use) => use.name).sort()).toEqual(['C', 'KEY', 'SIGNING'])
  })
})
