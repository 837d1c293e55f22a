/**
 * The flow whose trace the docs draw and the traces test asserts (issue 25): a parallel of an http
 * call and a foreach, a subflow, an http call retried once, and a failure. Pure: runs in workerd and
 * in Node (`npm run trace:tree`).
 */

/** The child flow the subflow task starts. */
export const CHILD_FLOW = { tasks: [{ id: 'inner', type: 'set', values: { x: 1 } }] }

/**
 * The traced flow, calling the target at `targetUrl` (bench/target.ts): `/echo` with a secret in its
 * query and a header (neither may reach a span), and `/flaky`, which fails its first call under `flakyKey`.
 */
export const tracedFlow = (targetUrl: string, childId: string, flakyKey: string) => ({
  mode: 'sync',
  tasks: [
    {
      id: 'fan',
      type: 'parallel',
      branches: [
        [
          {
            id: 'echo',
            type: 'http',
            url: `${targetUrl}/echo`,
            query: { token: "{{ $secret('TEST_KEY') }}" },
            headers: { 'x-api-key': "{{ $secret('TEST_KEY') }}" },
          },
        ],
        [
          {
            id: 'each',
            type: 'foreach',
            items: '[1,2]',
            tasks: [{ id: 'double', type: 'set', values: { n: '{{ item * 2 }}' } }],
          },
        ],
      ],
    },
    { id: 'child', type: 'subflow', flowId: childId },
    {
      id: 'flaky',
      type: 'http',
      url: `${targetUrl}/flaky?fail=1&key=${flakyKey}`,
      retry: { maxAttempts: 2, delay: '10ms' },
    },
    { id: 'boom', type: 'fail', message: 'it broke' },
  ],
})
