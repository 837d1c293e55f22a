/**
 * @module The command line as a value: `parseCommand(argv, env)` turns the arguments into one
 * `Command` of a discriminated union, or a usage error saying what is wrong (pure: node:util
 * parseArgs, no I/O).
 */
import { parseArgs } from 'node:util'
import { type BulkCommand, bulkCommandOf } from './bulk.ts'
import { EXECUTION_STATUSES, type ExecutionStatus, LOG_LEVELS, type LogLevel } from '../client/types.ts'

/** Where a request body comes from: a file, or standard input for `-`. */
export type BodySource = { from: 'file'; path: string } | { from: 'stdin' }

/** What an ad-hoc run runs: an inline flow from a file (or standard input), or one task given as JSON. */
export type AdhocSource = { from: 'flow'; body: BodySource } | { from: 'task'; json: string }

/** How every command reaches the API and prints. */
export interface Connection {
  url: string
  token: string | undefined
  json: boolean
}

export type Command =
  | { name: 'help'; topic: string | undefined }
  | { name: 'flows push'; dir: string }
  | { name: 'flows put'; file: string }
  | { name: 'flows ls' }
  | { name: 'flows get'; flowId: string }
  | { name: 'flows rm'; flowId: string; purge: boolean }
  | {
      name: 'flows test' | 'test'
      target: string
      reporter: Reporter
      output: string | undefined
      /** Run the cases stored with the flow `target` names. */
      stored: boolean
    }
  | {
      name: 'flows replay' | 'replay'
      file: string
      flowFile: string | undefined
      revision: number | undefined
    }
  | { name: 'executions pull' | 'pull'; executionId: string; output: string | undefined }
  | { name: 'run'; flowId: string; body: BodySource | undefined; wait: boolean; timeoutMs: number }
  | { name: 'run adhoc'; source: AdhocSource; body: BodySource | undefined; wait: boolean; timeoutMs: number }
  | {
      name: 'executions ls'
      flowId: string | undefined
      status: ExecutionStatus | undefined
      /** `key:value`, every one to match. */
      labels: string[]
      limit: number
    }
  | { name: 'executions get'; executionId: string }
  | {
      name: 'executions logs'
      executionId: string
      taskId: string | undefined
      level: LogLevel | undefined
      /** Text the lines hold. */
      search: string | undefined
      /** text: a line each to read; ndjson: the API's download, one LogLine as JSON a line. */
      format: LogFormat
    }
  | { name: 'executions watch'; executionId: string; timeoutMs: number }
  | { name: 'executions kill' | 'executions pause' | 'executions resume' | 'executions rm'; executionId: string }
  | {
      name: 'executions replay'
      executionId: string
      fromTaskId: string | undefined
      revision: number | undefined
      wait: boolean
      timeoutMs: number
    }
  | { name: 'events send'; executionId: string; event: string; body: BodySource | undefined }
  | BulkCommand

export type Parsed = { ok: true; command: Command; connection: Connection } | { ok: false; message: string }

/** `npm start`'s address. */
export const DEFAULT_URL = 'http://127.0.0.1:8787'
/** How long `--wait` and `watch` wait by default. */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  body: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  flow: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  task: { type: 'string' },
  level: { type: 'string' },
  from: { type: 'string' },
  revision: { type: 'string' },
  label: { type: 'string', multiple: true },
  purge: { type: 'boolean' },
  adhoc: { type: 'string' },
  filter: { type: 'string', multiple: true },
  search: { type: 'string' },
  format: { type: 'string' },
  reporter: { type: 'string' },
  stored: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const

const LOG_FORMATS = ['text', 'ndjson'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

type Option = keyof typeof OPTIONS
type Values = {
  [name in Option]?: (typeof OPTIONS)[name] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[name]['type'] extends 'boolean'
      ? boolean
      : string
}

const GLOBAL: Option[] = ['url', 'token', 'json', 'help']

/** Each command: its positional arguments and the options it takes besides the global ones. */
const SHAPES = {
  'flows push': { args: ['dir'], options: [] },
  'flows put': { args: ['file'], options: [] },
  'flows ls': { args: [], options: [] },
  'flows get': { args: ['flow'], options: [] },
  'flows rm': { args: ['flow'], options: ['purge'] },
  'flows test': { args: ['file|flow'], options: ['reporter', 'output', 'stored'] },
  'flows replay': { args: ['record-file'], options: ['flow', 'revision'] },
  'executions pull': { args: ['execution-id'], options: ['output'] },
  // the issue's short forms: `edgeflow test [dir]`, `edgeflow pull <id> -o file`, `edgeflow replay <file>`
  test: { args: ['dir|file|flow'], options: ['reporter', 'output'] },
  pull: { args: ['execution-id'], options: ['output'] },
  replay: { args: ['record-file'], options: ['flow', 'revision'] },
  run: { args: ['flow'], options: ['body', 'wait', 'timeout'] },
  // `run --adhoc <file>` or `run --task <json>`: no flow
  'run adhoc': { args: [], options: ['adhoc', 'task', 'body', 'wait', 'timeout'] },
  'executions ls': { args: [], options: ['flow', 'status', 'label', 'limit'] },
  'executions get': { args: ['execution-id'], options: [] },
  'executions logs': { args: ['execution-id'], options: ['task', 'level', 'search', 'format'] },
  'executions watch': { args: ['execution-id'], options: ['timeout'] },
  'executions kill': { args: ['execution-id'], options: [] },
  'executions pause': { args: ['execution-id'], options: [] },
  'executions resume': { args: ['execution-id'], options: [] },
  'executions rm': { args: ['execution-id'], options: [] },
  'executions replay': { args: ['execution-id'], options: ['from', 'revision', 'wait', 'timeout'] },
  'events send': { args: ['execution-id', 'event'], options: ['body'] },
} as const satisfies Record<string, { args: string[]; options: Option[] }>

export type CommandName = keyof typeof SHAPES
export const COMMANDS = Object.keys(SHAPES) as CommandName[]

const GROUPS = new Set(COMMANDS.filter((name) => name !== 'run adhoc').map((name) => name.split(' ')[0]))

/** Commands of one word, whose arguments follow at once. */
const SINGLE = new Set<string>(['run', 'test', 'pull', 'replay'])

/** How `test` and `flows test` report (flow-tests.ts). */
export type Reporter = 'text' | 'json' | 'junit'
const REPORTERS = ['text', 'json', 'junit'] as const

class UsageError {
  readonly type = 'usage'
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

/** `30s`, `2m`, `1h`, `500ms`, or a number of seconds, as milliseconds. */
export function durationMs(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!match) return null
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(match[1]) * unit)
}

function positiveInt(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--${option} takes a positive whole number, not "${text}"`)
  return Number(text)
}

function timeoutOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS
  const ms = durationMs(text)
  if (ms === null) throw new UsageError(`--timeout takes a duration such as 30s, 5m or 500ms, not "${text}"`)
  return ms
}

/** The value of `--option` when it is one of `allowed`. */
function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], option: string): T | undefined {
  if (text === undefined) return undefined
  const found = allowed.find((value) => value === text)
  if (found === undefined) throw new UsageError(`--${option} takes one of ${allowed.join(', ')}, not "${text}"`)
  return found
}

/** `--label key:value` as the API takes it (the API checks the key and the value). */
function labelFilter(text: string): string {
  if (text.indexOf(':') < 1) throw new UsageError(`--label takes key:value, not "${text}"`)
  return text
}

const bodyOf = (text: string | undefined): BodySource | undefined =>
  text === undefined ? undefined : text === '-' ? { from: 'stdin' } : { from: 'file', path: text }

function adhocSourceOf(values: Values): AdhocSource {
  if (values.adhoc !== undefined && values.task !== undefined)
    throw new UsageError('run takes --adhoc or --task, not both')
  if (values.adhoc !== undefined) return { from: 'flow', body: bodyOf(values.adhoc) ?? { from: 'stdin' } }
  if (values.body === '-' && values.task === '-')
    throw new UsageError('--task and --body cannot both read standard input')
  return { from: 'task', json: values.task ?? '' }
}

/** `--reporter`, where `--json` means `json`. */
function reporterOf(values: Values): Reporter {
  const reporter = oneOf(values.reporter, REPORTERS, 'reporter')
  if (reporter !== undefined && reporter !== 'json' && values.json)
    throw new UsageError(`--json and --reporter ${reporter} say two ways to report: give one`)
  return reporter ?? (values.json ? 'json' : 'text')
}

/** The command a name and its arguments make, once the shape has been checked. */
function build(name: CommandName, args: string[], values: Values): Command {
  const [first = '', second = ''] = args
  switch (name) {
    case 'flows push':
      return { name, dir: first }
    case 'flows put':
      return { name, file: first }
    case 'flows ls':
      return { name }
    case 'flows get':
      return { name, flowId: first }
    case 'flows rm':
      return { name, flowId: first, purge: values.purge ?? false }
    case 'flows test':
    case 'test':
      return {
        name,
        target: first,
        reporter: reporterOf(values),
        output: values.output,
        stored: values.stored ?? false,
      }
    case 'flows replay':
    case 'replay':
      return { name, file: first, flowFile: values.flow, revision: positiveInt(values.revision, 'revision') }
    case 'executions pull':
    case 'pull':
      return { name, executionId: first, output: values.output }
    case 'run':
      return {
        name,
        flowId: first,
        body: bodyOf(values.body),
        wait: values.wait ?? false,
        timeoutMs: timeoutOf(values.timeout),
      }
    case 'run adhoc':
      return {
        name,
        source: adhocSourceOf(values),
        body: bodyOf(values.body),
        wait: values.wait ?? false,
        timeoutMs: timeoutOf(values.timeout),
      }
    case 'executions ls':
      return {
        name,
        flowId: values.flow,
        status: oneOf(values.status, EXECUTION_STATUSES, 'status'),
        labels: (values.label ?? []).map(labelFilter),
        limit: positiveInt(values.limit, 'limit') ?? 20,
      }
    case 'executions get':
      return { name, executionId: first }
    case 'executions logs':
      return {
        name,
        executionId: first,
        taskId: values.task,
        level: oneOf(values.level, LOG_LEVELS, 'level'),
        search: values.search,
        format: oneOf(values.format, LOG_FORMATS, 'format') ?? 'text',
      }
    case 'executions watch':
      return { name, executionId: first, timeoutMs: timeoutOf(values.timeout) }
    case 'executions kill':
    case 'executions pause':
    case 'executions resume':
    case 'executions rm':
      return { name, executionId: first }
    case 'executions replay':
      return {
        name,
        executionId: first,
        fromTaskId: values.from,
        revision: positiveInt(values.revision, 'revision'),
        wait: values.wait ?? false,
        timeoutMs: timeoutOf(values.timeout),
      }
    case 'events send':
      return { name, executionId: first, event: second, body: bodyOf(values.body) }
  }
}

function commandOf(positionals: string[], values: Values): Command {
  const [group, verb] = positionals
  if (group === undefined || group === 'help') return { name: 'help', topic: positionals[1] }
  const adhoc = group === 'run' && (values.adhoc !== undefined || values.task !== undefined)
  const name = (
    group === 'run' ? (adhoc ? 'run adhoc' : 'run') : SINGLE.has(group) ? group : `${group} ${verb ?? ''}`
  ) as CommandName
  if (values.help) return { name: 'help', topic: GROUPS.has(group) ? group : undefined }
  const others = (Object.keys(values) as Option[]).filter((option) => !GLOBAL.includes(option) && option !== 'filter')
  const bulk =
    group === 'executions' &&
    bulkCommandOf(verb, positionals.slice(2), { filter: values.filter, others }, (message) => {
      throw new UsageError(message)
    })
  if (bulk) return bulk
  if (!(name in SHAPES)) {
    if (!GROUPS.has(group)) throw new UsageError(`unknown command "${group}"`)
    throw new UsageError(verb === undefined ? `"${group}" needs a command` : `unknown command "${group} ${verb}"`)
  }
  const shape = SHAPES[name]
  const args = positionals.slice(SINGLE.has(group) ? 1 : 2)
  // `edgeflow test` tests the current folder
  if (name === 'test' && args.length === 0) args.push('.')
  if (args.length < shape.args.length)
    throw new UsageError(`${name} needs ${shape.args.map((arg) => `<${arg}>`).join(' ')}`)
  if (args.length > shape.args.length)
    throw new UsageError(
      adhoc
        ? `run --${values.adhoc !== undefined ? 'adhoc' : 'task'} runs no stored flow: leave out "${args[0]}"`
        : `${name} takes no argument "${args[shape.args.length]}"`,
    )
  const allowed: readonly Option[] = [...GLOBAL, ...shape.options]
  const stray = (Object.keys(values) as Option[]).find((option) => !allowed.includes(option))
  if (stray) throw new UsageError(`--${stray} is not an option of ${name}`)
  return build(name, args, values)
}

/**
 * The Worker's address from what was given: the API's own address (`…/api`, as the API reference
 * shows it) is understood as the Worker's, and trailing slashes go.
 */
export const workerUrl = (url: string): string => url.replace(/\/+$/, '').replace(/\/api$/, '')

/** The command `argv` (without node and the script) asks for, reading EDGEFLOW_URL and EDGEFLOW_TOKEN from `env`. */
export function parseCommand(argv: string[], env: Record<string, string | undefined>): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
    const command = commandOf(positionals, values as Values)
    const given = values.url ?? env.EDGEFLOW_URL ?? DEFAULT_URL
    if (!URL.canParse(given)) throw new UsageError(`--url "${given}" is not a URL`)
    const url = workerUrl(given)
    const token = values.token ?? (env.EDGEFLOW_TOKEN || undefined)
    return { ok: true, command, connection: { url, token, json: values.json ?? false } }
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, message: error.message }
    // parseArgs throws TypeErrors with a code for unknown options and missing values
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
      return { ok: false, message: error.message.split('. ')[0] ?? error.message }
    throw error
  }
}
