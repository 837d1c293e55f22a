import { describe, expect, it } from 'vitest'
import { actions } from '../../src/actions/index'
import { DEFINITION_TOO_DEEP, FlowInvalid, validateFlow } from '../../src/flow/compile'
import type { Issue } from '../../src/flow/issues'

/** The issues `validateFlow` reports for `definition` (none when it is valid). */
function issuesOf(definition: unknown): Issue[] {
  try {
    validateFlow(definition)
    return []
  } catch (error) {
    expect(error).toBeInstanceOf(FlowInvalid)
    return (error as FlowInvalid).issues
  }
}

const paths = (definition: unknown) => issuesOf(definition).map((issue) => issue.path)
const flow = (...tasks: unknown[]) => ({ tasks })
const log = (id: string) => ({ id, type: 'log', message: 'hello' })

/** One valid task of every type in the registry. */
const EXAMPLES: Record<string, unknown> = {
  http: {
    id: 'call',
    type: 'http',
    method: 'POST',
    url: 'https://api.example.com/x',
    headers: { a: 'b' },
    body: { x: 1 },
    expectStatus: [200, 201],
  },
  delay: { id: 'pause', type: 'delay', duration: '5s' },
  return: { id: 'answer', type: 'return', status: 201, body: { ok: true }, headers: { 'x-a': 'b' } },
  set: { id: 'remember', type: 'set', values: { a: 1, b: '{{ input.body.b }}' } },
  log: { id: 'note', type: 'log', level: 'warn', message: 'hello {{ input.body.name }}' },
  fail: { id: 'stop', type: 'fail', message: 'no' },
  if: { id: 'check', type: 'if', condition: 'input.body.ok', then: [log('yes')], else: [log('no')] },
  switch: {
    id: 'route',
    type: 'switch',
    value: 'input.body.kind',
    cases: { a: [log('isA')], b: [log('isB')] },
    default: [log('other')],
  },
  parallel: { id: 'both', type: 'parallel', branches: [[log('left')], [log('right')]] },
  foreach: { id: 'each', type: 'foreach', items: 'input.body.list', concurrency: 4, tasks: [log('one')] },
  subflow: { id: 'child', type: 'subflow', flowId: 'other_flow', revision: 2, input: { a: 1 }, wait: false },
  wait: { id: 'approval', type: 'wait', event: 'approved', onTimeout: 'continue', timeout: '1h' },
  label: { id: 'tag', type: 'label', labels: { customer: '{{ input.body.customer }}', vip: true } },
}

describe('valid flows', () => {
  it('has an example for every task type of the registry', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(actions.map((action) => action.type).sort())
  })

  it.each(Object.entries(EXAMPLES))('accepts a %s task', (_type, task) => {
    expect(issuesOf(flow(task))).toEqual([])
  })

  it('accepts the example flow of DESIGN §3 and fills in the defaults', () => {
    const parsed = validateFlow({
      name: 'Sign-up',
      mode: 'sync',
      timeout: '10m',
      retry: { maxAttempts: 3, backoff: 'exponential', delay: '1s', maxDelay: '1m' },
      triggers: [
        { type: 'webhook', methods: ['POST'] },
        { type: 'schedule', cron: '*/5 * * * *', timezone: 'UTC', input: {} },
      ],
      tasks: [
        { id: 'lookup', type: 'http', method: 'GET', url: 'https://api.example.com/users/{{ input.body.email }}' },
        {
          id: 'known',
          type: 'if',
          condition: 'outputs.lookup.status = 200',
          then: [{ id: 'hello', type: 'return', status: 200, body: { user: '{{ outputs.lookup.body }}' } }],
          else: [
            { id: 'wait', type: 'delay', duration: '5s' },
            { id: 'created', type: 'return', status: 201, body: {} },
          ],
        },
      ],
    })
    expect(parsed.mode).toBe('sync')
    expect(validateFlow(flow(log('a'))).mode).toBe('async')
  })

  it('accepts the common task fields on any task', () => {
    const task = {
      ...log('a'),
      description: 'd',
      if: 'input.body.go',
      retry: { maxAttempts: 2 },
      timeout: 1000,
      allowFailure: true,
    }
    expect(issuesOf(flow(task))).toEqual([])
  })

  it('accepts a template where a number, an enum or a boolean is expected', () => {
    expect(issuesOf(flow({ id: 'a', type: 'return', status: '{{ input.body.status }}' }))).toEqual([])
    expect(
      issuesOf(flow({ id: 'a', type: 'http', method: '{{ input.body.method }}', url: '{{ input.body.url }}' })),
    ).toEqual([])
    expect(
      issuesOf(
        flow({ id: 'a', type: 'foreach', items: '[1,2]', concurrency: '{{ input.body.n }}', tasks: [log('b')] }),
      ),
    ).toEqual([])
    expect(issuesOf(flow({ id: 'a', type: 'subflow', flowId: 'x', wait: '{{ input.body.wait }}' }))).toEqual([])
  })
})

describe('task types', () => {
  it('names an unknown task type and lists the known ones', () => {
    const [issue, ...rest] = issuesOf(flow(log('a'), { id: 'b', type: 'teleport' }))
    expect(rest).toEqual([])
    expect(issue?.path).toBe('tasks.1.type')
    expect(issue?.message).toContain('"teleport"')
    for (const action of actions) expect(issue?.message).toContain(action.type)
  })

  it('names an unknown task type nested in a container with its path', () => {
    expect(paths(flow({ id: 'p', type: 'parallel', branches: [[log('a')], [{ id: 'b', type: 'nope' }]] }))).toEqual([
      'tasks.0.branches.1.0.type',
    ])
  })

  it('refuses a missing required parameter with its path', () => {
    expect(paths(flow({ id: 'a', type: 'http' }))).toEqual(['tasks.0.url'])
  })

  it('refuses a parameter of the wrong kind when it is not a template', () => {
    expect(paths(flow({ id: 'a', type: 'return', status: 600 }))).toEqual(['tasks.0.status'])
    expect(paths(flow({ id: 'a', type: 'return', status: 'two hundred' }))).toEqual(['tasks.0.status'])
    expect(paths(flow({ id: 'a', type: 'http', url: 'ftp://example.com' }))).toEqual(['tasks.0.url'])
  })

  it('refuses unknown fields on a task and on the flow (strict objects)', () => {
    const taskIssues = issuesOf(flow({ ...log('a'), colour: 'red' }))
    expect(taskIssues.map((issue) => issue.path)).toEqual(['tasks.0'])
    expect(taskIssues[0]?.message).toContain('colour')
    expect(issuesOf({ ...flow(log('a')), owner: 'me' })[0]?.message).toContain('owner')
    expect(issuesOf(flow({ ...log('a'), retry: { maxAttempts: 2, jitter: true } }))[0]?.path).toBe('tasks.0.retry')
  })

  it('refuses a flow without tasks and a container with an empty lane', () => {
    expect(paths({ tasks: [] })).toEqual(['tasks'])
    expect(paths(flow({ id: 'c', type: 'if', condition: 'true', then: [] }))).toEqual(['tasks.0.then'])
  })
})

describe('task ids', () => {
  it('refuses a duplicate task id with the path of the duplicate', () => {
    const issues = issuesOf(flow(log('a'), log('b'), log('a')))
    expect(issues).toEqual([{ path: 'tasks.2.id', message: 'duplicate task id "a"' }])
  })

  it('refuses a duplicate task id nested in containers', () => {
    expect(
      paths(flow(log('a'), { id: 'c', type: 'if', condition: 'true', then: [log('b')], else: [log('a')] })),
    ).toEqual(['tasks.1.else.0.id'])
    expect(paths(flow({ id: 'p', type: 'parallel', branches: [[log('x')], [log('y'), log('x')]] }))).toEqual([
      'tasks.0.branches.1.1.id',
    ])
    expect(paths(flow({ id: 'e', type: 'foreach', items: '[1]', tasks: [log('e')] }))).toEqual(['tasks.0.tasks.0.id'])
    expect(paths(flow({ id: 's', type: 'switch', value: 'x', cases: { a: [log('x')], b: [log('x')] } }))).toEqual([
      'tasks.0.cases.b.0.id',
    ])
  })

  it.each(['1abc', 'has-dash', 'has space', '', 'a'.repeat(65), 'é'])('refuses the task id %j', (id) => {
    const issues = issuesOf(flow(log(id)))
    expect(issues.map((issue) => issue.path)).toEqual(['tasks.0.id'])
    expect(issues[0]?.message).toContain('must start with a letter or "_"')
  })

  it.each(['a', '_private', 'A1_b2', 'a'.repeat(64)])('accepts the task id %j', (id) => {
    expect(issuesOf(flow(log(id)))).toEqual([])
  })
})

describe('durations, retry and triggers', () => {
  it('refuses bad durations wherever they are', () => {
    expect(paths({ ...flow(log('a')), timeout: 'soon' })).toEqual(['timeout'])
    expect(paths(flow({ ...log('a'), timeout: '-1s' }))).toEqual(['tasks.0.timeout'])
    expect(paths(flow({ id: 'd', type: 'delay', duration: '5 weeks' }))).toEqual(['tasks.0.duration'])
    expect(paths({ ...flow(log('a')), retry: { delay: 'later' } })).toEqual(['retry.delay'])
  })

  it('refuses a maxDelay shorter than the delay', () => {
    const issues = issuesOf({ ...flow(log('a')), retry: { maxAttempts: 3, delay: '10s', maxDelay: '5s' } })
    expect(issues).toEqual([{ path: 'retry.maxDelay', message: 'maxDelay cannot be less than delay' }])
    expect(paths(flow({ ...log('a'), retry: { maxDelay: '500ms' } }))).toEqual(['tasks.0.retry.maxDelay'])
    expect(issuesOf({ ...flow(log('a')), retry: { delay: '1s', maxDelay: '1s' } })).toEqual([])
  })

  it('refuses a retry policy outside its bounds', () => {
    expect(paths({ ...flow(log('a')), retry: { maxAttempts: 0 } })).toEqual(['retry.maxAttempts'])
    expect(paths({ ...flow(log('a')), retry: { backoff: 'random' } })).toEqual(['retry.backoff'])
    expect(paths({ ...flow(log('a')), retry: { retryOn: ['oops'] } })).toEqual(['retry.retryOn.0'])
  })

  it('refuses a bad cron expression and names it', () => {
    const issues = issuesOf({ ...flow(log('a')), triggers: [{ type: 'schedule', cron: 'every minute' }] })
    expect(issues.map((issue) => issue.path)).toEqual(['triggers.0.cron'])
    expect(issues[0]?.message).toContain('"every minute"')
  })

  it('refuses an unknown timezone and names it', () => {
    const issues = issuesOf({
      ...flow(log('a')),
      triggers: [{ type: 'schedule', cron: '0 * * * *', timezone: 'Mars/Olympus' }],
    })
    expect(issues.map((issue) => issue.path)).toEqual(['triggers.0.timezone'])
    expect(issues[0]?.message).toContain('"Mars/Olympus"')
  })

  it('accepts a real timezone and refuses an unknown webhook method', () => {
    expect(
      issuesOf({ ...flow(log('a')), triggers: [{ type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Madrid' }] }),
    ).toEqual([])
    expect(paths({ ...flow(log('a')), triggers: [{ type: 'webhook', methods: ['FETCH'] }] })).toEqual([
      'triggers.0.methods.0',
    ])
  })
})

describe('expressions', () => {
  it('reports a bad condition with its path', () => {
    const issues = issuesOf(flow({ id: 'c', type: 'if', condition: 'input.x >', then: [log('a')] }))
    expect(issues.map((issue) => issue.path)).toEqual(['tasks.0.condition'])
    expect(issues[0]?.message).toContain('input.x >')
  })

  it('reports bad templates and bad if expressions with their paths, all at once', () => {
    const issues = issuesOf(
      flow(
        { id: 'a', type: 'http', url: 'https://x.test/{{ $$( }}' },
        { id: 'b', type: 'log', message: 'ok', if: '1 +' },
        { id: 'p', type: 'parallel', branches: [[{ id: 'c', type: 'return', body: { deep: ['{{ ) }}'] } }]] },
        { id: 'e', type: 'foreach', items: '[1, 2', tasks: [log('d')] },
      ),
    )
    expect(issues.map((issue) => issue.path)).toEqual([
      'tasks.0.url',
      'tasks.1.if',
      'tasks.2.branches.0.0.body.deep.0',
      'tasks.3.items',
    ])
  })

  it('refuses an empty bare expression', () => {
    expect(paths(flow({ id: 's', type: 'switch', value: '  ', cases: { a: [log('a')] } }))).toEqual(['tasks.0.value'])
  })
})

describe('inputHeaders', () => {
  it('accepts lower-case names to redact and credential headers to keep', () => {
    expect(issuesOf({ ...flow(log('a')), inputHeaders: { redact: ['x-shop-token'], keep: ['cookie'] } })).toEqual([])
  })

  it('refuses upper-case or malformed names, keeping a header that is not redacted, and both at once', () => {
    expect(paths({ ...flow(log('a')), inputHeaders: { redact: ['X-Shop-Token', 'bad name'] } })).toEqual([
      'inputHeaders.redact.0',
      'inputHeaders.redact.1',
    ])
    const kept = issuesOf({ ...flow(log('a')), inputHeaders: { keep: ['x-plain'] } })
    expect(kept.map((issue) => issue.path)).toEqual(['inputHeaders.keep.0'])
    expect(kept[0]?.message).toContain('authorization, proxy-authorization, cookie, x-api-key')
    expect(paths({ ...flow(log('a')), inputHeaders: { redact: ['cookie'], keep: ['cookie'] } })).toEqual([
      'inputHeaders.keep.0',
    ])
    expect(paths({ ...flow(log('a')), inputHeaders: { drop: [] } })).toEqual(['inputHeaders'])
  })
})

describe('nesting', () => {
  /** A `log` task under `levels` containers, each in the first lane of the one before. */
  function nested(
    levels: number,
    container = (id: string, inner: object): object => ({
      id,
      type: 'if',
      condition: 'true',
      then: [inner],
    }),
  ) {
    let task: object = log('leaf')
    for (let level = levels; level > 0; level--) task = container(`c${level}`, task)
    return flow(task)
  }
  const inSwitch = (id: string, inner: object) => ({ id, type: 'switch', value: '1', cases: { a: [inner] } })

  it('accepts tasks 64 levels deep', () => {
    expect(issuesOf(nested(63))).toEqual([])
    expect(issuesOf(nested(63, inSwitch))).toEqual([])
  })

  it('refuses a task 65 levels deep with its path, whatever the containers', () => {
    expect(issuesOf(nested(64))).toEqual([
      { path: `tasks.0${'.then.0'.repeat(64)}`, message: 'tasks nest 64 levels deep at most' },
    ])
    expect(paths(nested(64, inSwitch))).toEqual([`tasks.0${'.cases.a.0'.repeat(64)}`])
  })

  it('refuses a definition nested past 256 levels before the schema recurses into it', () => {
    expect(issuesOf(nested(2_000))).toEqual([{ path: '', message: DEFINITION_TOO_DEEP }])
    expect(DEFINITION_TOO_DEEP).toContain('256')
  })
})

describe('syncTimeout', () => {
  it('accepts up to 100 s and refuses more with its path', () => {
    for (const syncTimeout of ['100s', 100_000, 'PT1M40S', '0ms'])
      expect(issuesOf({ ...flow(log('a')), mode: 'sync', syncTimeout })).toEqual([])
    for (const syncTimeout of ['101s', '2h', 100_001, 'P1D']) {
      expect(issuesOf({ ...flow(log('a')), mode: 'sync', syncTimeout })).toEqual([
        { path: 'syncTimeout', message: 'syncTimeout is 100s at most (callers waiting longer get 202 and poll)' },
      ])
    }
    expect(paths({ ...flow(log('a')), syncTimeout: 'later' })).toEqual(['syncTimeout'])
  })
})
