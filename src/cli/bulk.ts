/**
 * @module `edgeflow executions kill|replay|rm` on several ids, or on `--filter key=value…` (the
 * list's filters): one bulk request (at most 500 executions), a line per execution.
 */
import type { BulkRequest, EdgeflowClient, ExecutionFilter } from '../client/index.ts'
import { EXIT, type ExitCode } from './exit-codes.ts'
import { table } from './format.ts'

export type BulkCommand = { name: 'executions bulk'; action: 'kill' | 'replay' | 'delete'; request: BulkRequest }

const ACTIONS = { kill: 'kill', replay: 'replay', rm: 'delete' } as const

/** The filters `--filter` takes, as the list's query names them (`flow` for `flowId`). */
const KEYS = ['flowId', 'status', 'trigger', 'label', 'idPrefix', 'error', 'since', 'until', 'parentId', 'replayOf']

/**
 * The bulk command `executions <verb> <ids…>` or `--filter …` asks for; null when it is a command
 * on one execution (one id, no filter). A usage problem is thrown by `refuse`.
 */
export function bulkCommandOf(
  verb: string | undefined,
  ids: string[],
  options: { filter?: string[] | undefined; others: string[] },
  refuse: (message: string) => never,
): BulkCommand | null {
  if (verb !== 'kill' && verb !== 'replay' && verb !== 'rm') return null
  const filters = options.filter ?? []
  if (filters.length === 0 && ids.length === 1) return null
  const action = ACTIONS[verb]
  const stray = options.others[0]
  if (stray) refuse(`--${stray} is not an option of executions ${verb} on several executions`)
  if (filters.length > 0 && ids.length > 0) refuse(`executions ${verb} takes ids or --filter, not both`)
  if (ids.length > 0) return { name: 'executions bulk', action, request: { ids } }
  const filter: Record<string, string | string[]> = {}
  for (const text of filters) {
    const at = text.indexOf('=')
    const key = text.slice(0, at) === 'flow' ? 'flowId' : text.slice(0, at)
    if (at < 1 || !KEYS.includes(key))
      refuse(`--filter takes key=value with a key of ${KEYS.join(', ')}, not "${text}"`)
    const value = text.slice(at + 1)
    filter[key] = key === 'label' ? [...[filter[key] ?? []].flat(), value] : value
  }
  // each value is the server's to judge: a bad one is a 400 naming filter.<key>
  return { name: 'executions bulk', action, request: { filter: filter as ExecutionFilter } }
}

const DONE = { kill: 'killed', replay: 'replayed', delete: 'deleted' } as const

/** Sends the bulk request and prints a line per execution; any refused one exits 1. */
export async function runBulk(
  client: EdgeflowClient,
  command: BulkCommand,
  print: (text: string) => void,
  json: boolean,
): Promise<ExitCode> {
  const answer = await client.executions.bulk[command.action](command.request)
  if (json) print(JSON.stringify(answer, null, 2))
  else if (answer.results.length === 0) print('no executions match')
  else
    print(
      table(
        ['EXECUTION', 'RESULT', 'NOTE'],
        answer.results.map((item) =>
          item.ok
            ? [
                item.id,
                DONE[command.action],
                item.executionId
                  ? `new execution ${item.executionId} from ${item.fromTaskId} on revision ${item.revision}`
                  : (item.status ?? ''),
              ]
            : [item.id, item.error.code, item.error.message],
        ),
      ),
    )
  return answer.results.every((item) => item.ok) ? EXIT.ok : EXIT.api
}
