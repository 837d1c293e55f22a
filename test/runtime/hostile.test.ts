import { describe, expect, it } from 'vitest'
import { MAX_ITEMS } from '../../src/actions/foreach'
import { call, execution, finished, json, putFlow, uniqueId, waitFor } from '../helpers/api'
import { start } from '../helpers/engine'

const setTo = (expression: string, extra: object = {}) => ({
  ...extra,
  tasks: [{ id: 's', type: 'set', values: { v: `{{ ${expression} }}` } }],
})

describe('hostile expressions', () => {
  it('fail their task on the steps budget while other executions keep answering', async () => {
    const calm = await start({ tasks: [{ id: 'w', type: 'wait', event: 'never' }] })
    const { executionId } = await start(setTo('($f := function($x){ $f($x) }; $f(1))'))
    let probes = 0
    let detail = await execution(executionId)
    while (!finished(detail)) {
      expect((await call('GET', `/api/executions/${calm.executionId}`)).status).toBe(200)
      probes += 1
      detail = await execution(executionId)
    }
    expect(detail.status).toBe('failed')
    expect(detail.error).toMatchObject({ type: 'expression_error', taskId: 's' })
    expect(detail.error.message).toContain('exceeded its steps budget of 100000')
    expect(probes).toBeGreaterThan(0)
    await call('POST', `/api/executions/${calm.executionId}/kill`)
  })

  it('honour the budget a flow declares, on every retry alike', async () => {
    const { executionId } = await start(
      setTo('$sum([1..1000].($ * 2))', { expressionBudget: { steps: 500 }, retry: { maxAttempts: 2, delay: '10ms' } }),
    )
    const done = await waitFor(executionId, finished)
    const messages = done.taskRuns[0].attempts.map((attempt: { error: { message: string } }) => attempt.error.message)
    expect(messages).toHaveLength(2)
    expect(messages[0]).toContain('exceeded its steps budget of 500')
    expect(messages[1]).toBe(messages[0])
  })

  it('run regular expressions in linear time', async () => {
    const { executionId } = await start(setTo(`$contains("${'a'.repeat(40)}!", /^(a+)+$/)`))
    expect(await waitFor(executionId, finished)).toMatchObject({ status: 'completed', vars: { v: false } })
  })

  it('are refused at PUT when their regular expression needs backtracking, with the path', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, setTo('$contains("ab", /a(?=b)/)'))
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error.issues[0].path).toBe('tasks.0.values.v')
    expect(error.issues[0].message).toContain('is not supported')
  })
})

describe('foreach items', () => {
  const over = (items: string) => ({
    tasks: [{ id: 'each', type: 'foreach', items, tasks: [{ id: 'x', type: 'log', message: '.' }] }],
  })

  // items is an expression: a value of the wrong shape is that expression's error
  it.each([
    ['not an array', '{{ "text" }}', 'expression_error', 'items must evaluate to an array'],
    ['too many', `{{ [1..${MAX_ITEMS + 1}] }}`, 'expression_error', `at most ${MAX_ITEMS} items`],
    [
      'too large to keep',
      '{{ $map([1..40000], function($v){ "ééééééééééééé" }) }}',
      'validation_error',
      'bytes; at most',
    ],
  ])('fail the foreach task when %s', async (_, items, type, message) => {
    const { executionId } = await start(over(items))
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ type, taskId: 'each' })
    expect(done.error.message).toContain(message)
  })

  it('fail with expression_error when the items outgrow the size budget', async () => {
    const { executionId } = await start(over('{{ [1..10000000] }}'))
    const done = await waitFor(executionId, finished)
    expect(done.error).toMatchObject({ type: 'expression_error', taskId: 'each' })
    expect(done.error.message).toContain('size budget')
  })
})

describe('flow budgets', () => {
  it('are refused beyond the hard limits at PUT', async () => {
    const response = await call('PUT', `/api/flows/${uniqueId()}`, setTo('1', { expressionBudget: { steps: 1e9 } }))
    expect(response.status).toBe(400)
    expect((await json(response)).error.issues[0].path).toBe('expressionBudget.steps')
  })

  it('are kept with the flow', async () => {
    const id = uniqueId()
    const flow = await putFlow(id, setTo('1', { expressionBudget: { steps: 1000 } }))
    expect(flow.definition.expressionBudget).toMatchObject({ steps: 1000 })
  })
})

/** A sync flow that sets `v` to `expression`, triggered by webhook: the answer, the execution id, the detail. */
async function runSync(expression: string) {
  const flowId = uniqueId()
  await putFlow(flowId, { mode: 'sync', ...setTo(expression) })
  const response = await call('POST', `/hooks/${flowId}`, {})
  const executionId = response.headers.get('x-execution-id')
  return { response, executionId, detail: executionId ? await waitFor(executionId, finished) : null }
}

describe('hostile expressions through the Worker (issue 20)', () => {
  it('a partial native called by another native fails on the size budget instead of killing the runtime', async () => {
    const { response, executionId, detail } = await runSync(
      '$sum($map($map($map([1..60], $string), $pad(?, 50000000)), $length))',
    )
    expect(response.status).toBe(500)
    expect(executionId).toBeTruthy()
    expect(detail.error).toMatchObject({ type: 'expression_error', taskId: 's' })
    expect(detail.error.message).toContain('exceeded its size budget')
    expect((await call('GET', `/api/executions/${executionId}`)).status).toBe(200)
  })

  it('a value built by sharing one object fails its task on the size budget, with the execution id', async () => {
    const { response, executionId, detail } = await runSync(
      `($f := function($n){ $n = 0 ? 'x' : ($o := $f($n - 1); {"a": $o, "b": $o}) }; $f(27))`,
    )
    expect(response.status).toBe(500)
    expect(executionId).toBeTruthy()
    expect(detail.taskRuns).toHaveLength(1)
    expect(detail.error).toMatchObject({ type: 'expression_error', taskId: 's' })
  })

  it('a $toMillis picture JSONata makes a backtracking regex of runs on RE2', async () => {
    const { response, detail } = await runSync(
      `$toMillis('${'1'.repeat(60)}x', '[Y]1[M]1[D]1[H]1[m]1[s]1[f]1[Y]1[M]1[D]')`,
    )
    expect(response.status).toBe(200)
    expect(detail).toMatchObject({ status: 'completed', vars: { v: null } })
  })

  it('a lambda signature that would backtrack is refused at PUT with the path', async () => {
    const response = await call(
      'PUT',
      `/api/flows/${uniqueId()}`,
      setTo(`($f := function($a)<x+x+x+f>{1}; $f(1, 1, 1, 1))`),
    )
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error.issues[0].path).toBe('tasks.0.values.v')
    expect(error.issues[0].message).toContain('signature')
  })
})
