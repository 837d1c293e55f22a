import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCommand } from '../../src/cli/args.ts'
import { runBulk } from '../../src/cli/bulk.ts'
import type { EdgeflowClient } from '../../src/client/index.ts'

const parse = (line: string) => parseCommand(line.split(' ').filter(Boolean), {})

describe('executions kill|replay|rm on many', () => {
  it('reads several ids, or --filter key=value (repeated; label repeatable; flow for flowId)', () => {
    assert.deepEqual(parse('executions kill a b c'), {
      ok: true,
      command: { name: 'executions bulk', action: 'kill', request: { ids: ['a', 'b', 'c'] } },
      connection: { url: 'http://127.0.0.1:8787', token: undefined, json: false },
    })
    const replay = parse(
      'executions replay --filter flow=greet --filter status=failed --filter label=a:1 --filter label=b:2',
    )
    assert.ok(replay.ok)
    assert.deepEqual(replay.command, {
      name: 'executions bulk',
      action: 'replay',
      request: { filter: { flowId: 'greet', status: 'failed', label: ['a:1', 'b:2'] } },
    })
    const rm = parse('executions rm x y')
    assert.ok(rm.ok)
    assert.deepEqual(rm.command, { name: 'executions bulk', action: 'delete', request: { ids: ['x', 'y'] } })
    // one id and no filter: the command on one execution, as before
    const one = parse('executions kill a')
    assert.ok(one.ok)
    assert.equal(one.command.name, 'executions kill')
  })

  it('refuses ids with a filter, a key it does not know, and options of the one-execution command', () => {
    const message = (line: string) => {
      const parsed = parse(line)
      assert.ok(!parsed.ok, line)
      return parsed.message
    }
    assert.match(message('executions kill a --filter status=failed'), /ids or --filter, not both/)
    assert.match(message('executions rm --filter colour=red'), /--filter takes key=value with a key of flowId/)
    assert.match(message('executions replay a b --from x'), /--from is not an option of executions replay on several/)
  })

  it('prints a line per execution and exits 1 when one was refused', async () => {
    const lines: string[] = []
    const client = {
      executions: {
        bulk: {
          replay: async () => ({
            action: 'replay' as const,
            matched: 2,
            results: [
              {
                id: 'a',
                ok: true as const,
                status: 'running' as const,
                executionId: 'n',
                fromTaskId: 't',
                revision: 2,
              },
              { id: 'b', ok: false as const, error: { code: 'not_final' as const, message: 'still running' } },
            ],
          }),
        },
      },
    } as unknown as EdgeflowClient
    const code = await runBulk(
      client,
      { name: 'executions bulk', action: 'replay', request: { ids: ['a', 'b'] } },
      (text) => lines.push(text),
      false,
    )
    assert.equal(code, 1)
    assert.match(lines[0]!, /a\s+replayed\s+new execution n from t on revision 2/)
    assert.match(lines[0]!, /b\s+not_final\s+still running/)
  })
})
