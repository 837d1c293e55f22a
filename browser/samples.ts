/** Flows and executions of every kind the dashboard shows, made through the REST API. */
import type { Stack } from './stack.ts'

const FINAL = ['completed', 'warning', 'failed', 'killed']

export interface Execution {
  id: string
  status: string
  endedAt: string | null
  taskRunCount: number
  [field: string]: unknown
}

export async function putFlow(stack: Stack, id: string, definition: object): Promise<void> {
  const response = await stack.api('PUT', `/api/flows/${id}`, definition)
  if (response.status >= 300) throw new Error(`PUT ${id}: ${response.status} ${await response.text()}`)
}

/** Starts an execution by webhook (public: no API token, which the input would record) and returns its id. */
export async function trigger(stack: Stack, flowId: string, body: unknown = {}): Promise<string> {
  const response = await fetch(`${stack.url}/hooks/${flowId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const id = response.headers.get('x-execution-id')
  await response.arrayBuffer()
  if (!id) throw new Error(`trigger ${flowId}: ${response.status}`)
  return id
}

export async function execution(stack: Stack, id: string): Promise<Execution> {
  return (await (await stack.api('GET', `/api/executions/${id}`)).json()) as Execution
}

/** Polls until `done` holds (default: final). */
export async function waitFor(
  stack: Stack,
  id: string,
  done: (execution: Execution) => boolean = (e) => FINAL.includes(e.status),
  timeoutMs = 60_000,
): Promise<Execution> {
  const started = Date.now()
  for (;;) {
    const current = await execution(stack, id)
    if (done(current)) return current
    if (Date.now() - started > timeoutMs) throw new Error(`execution ${id} is still ${current.status}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Polls the executions list (`query`), which the index queue updates a second or so after an
 * execution changes, until `done` holds for its items.
 */
export async function listedWhere(
  stack: Stack,
  query: string,
  done: (items: { id: string; status: string }[]) => boolean,
  timeoutMs = 15_000,
): Promise<{ id: string; status: string }[]> {
  const started = Date.now()
  for (;;) {
    const { items } = (await (await stack.api('GET', `/api/executions?${query}`)).json()) as {
      items: { id: string; status: string }[]
    }
    if (done(items)) return items
    if (Date.now() - started > timeoutMs)
      throw new Error(`the list (${query}) did not settle: ${JSON.stringify(items)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Waits until each of `ids` is listed with a final status. */
export const indexed = (stack: Stack, ids: readonly string[]) =>
  listedWhere(stack, 'limit=100', (items) =>
    ids.every((id) => items.some((item) => item.id === id && FINAL.includes(item.status))),
  )

export const FLOWS = (target: string) => ({
  greet: {
    name: 'Greet',
    mode: 'sync',
    tasks: [
      { id: 'name', type: 'set', values: { name: '{{ input.body.name ? input.body.name : "world" }}' } },
      { id: 'say', type: 'log', message: 'greeting {{ vars.name }}' },
      { id: 'answer', type: 'return', body: { greeting: 'Hello, {{ vars.name }}!' } },
    ],
  },
  flaky: {
    name: 'Fails after retries',
    tasks: [
      { id: 'prepare', type: 'set', values: { tries: 3 } },
      {
        id: 'fetch',
        type: 'http',
        url: `${target}/status/503`,
        retry: { maxAttempts: 3, backoff: 'exponential', delay: '200ms' },
      },
      { id: 'after', type: 'log', message: 'never reached' },
    ],
  },
  sleepy: {
    name: 'Delayed',
    tasks: [
      { id: 'before', type: 'log', message: 'going to sleep' },
      { id: 'nap', type: 'delay', duration: '{{ input.body.ms ? input.body.ms & "ms" : "2s" }}' },
      { id: 'after', type: 'set', values: { woke: true } },
    ],
  },
  approval: {
    name: 'Waits for approval',
    tasks: [
      { id: 'ask', type: 'log', message: 'asking for approval' },
      { id: 'approved', type: 'wait', event: 'approved', timeout: '1h' },
      { id: 'done', type: 'set', values: { approved: true } },
    ],
  },
  branches: {
    name: 'Parallel, foreach and subflow',
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        branches: [
          [{ id: 'slow', type: 'http', url: `${target}/slow/300` }],
          [
            {
              id: 'each',
              type: 'foreach',
              items: '[1,2,3]',
              concurrency: 2,
              tasks: [{ id: 'square', type: 'set', values: { last: '{{ item * item }}' } }],
            },
          ],
          [{ id: 'child', type: 'subflow', flowId: 'greet', input: { name: 'child' } }],
        ],
      },
      {
        id: 'route',
        type: 'switch',
        value: '"b"',
        cases: { a: [{ id: 'onA', type: 'log', message: 'a' }], b: [{ id: 'onB', type: 'log', message: 'b' }] },
      },
      { id: 'check', type: 'if', condition: 'false', then: [{ id: 'never', type: 'fail', message: 'no' }] },
    ],
  },
  bulk: {
    name: 'Foreach of many items',
    tasks: [
      {
        id: 'each',
        type: 'foreach',
        items: '[1..(input.body.n ? input.body.n : 2000)]',
        concurrency: 10,
        tasks: [{ id: 'square', type: 'set', values: { last: '{{ item * item }}' } }],
      },
    ],
  },
  long: {
    name: 'A foreach of 300 slow calls (about 6 s)',
    tasks: [
      {
        id: 'each',
        type: 'foreach',
        items: '[1..300]',
        concurrency: 5,
        tasks: [{ id: 'call', type: 'http', url: `${target}/slow/100` }],
      },
    ],
  },
  ten: {
    name: 'Ten tasks',
    mode: 'sync',
    tasks: [
      ...Array.from({ length: 9 }, (_, index) => ({
        id: `step${index + 1}`,
        type: 'set',
        values: { [`v${index}`]: index },
      })),
      { id: 'answer', type: 'return', body: { ok: true } },
    ],
  },
})

export type FlowName = keyof ReturnType<typeof FLOWS>

export async function putFlows(stack: Stack, names: FlowName[] = Object.keys(FLOWS('')) as FlowName[]): Promise<void> {
  const flows = FLOWS(stack.target.url)
  for (const name of names) await putFlow(stack, name, flows[name])
}
