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
  const read = (text: string) => evaluate(compileTemplate(text), context())

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
    const loop = compileExpression("$count([1..1000].($secret('KEY')))", [], { steps: 500, depth: 100, size: 10_000 })
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

describe('secrets at PUT', () => {
  it('accepts secrets that are set, and dynamic names', () => {
    expect(issuesOf(http({ headers: { authorization: "Bearer {{ $secret('KEY') }}" } }))).toEqual([])
    expect(issuesOf(http({ headers: { authorization: '{{ $secret(input.body.name) }}' } }))).toEqual([])
  })

  it('reports a literal secret that is not set, with its path, and keeps the value out of the message', () => {
    const issues = issuesOf({
      tasks: [
        { id: 'a', type: 'log', message: "{{ $secret('API_TOKEN') }}" },
        { id: 'b', type: 'log', message: 'x', if: "$secret('MISSING') != ''" },
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
