/** @module What each CLI command does with the client, and what it prints (tables, or the API's JSON with --json). */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  EdgeflowError,
  type AdhocRequest,
  type EdgeflowClient,
  type Execution,
  type FlowDefinition,
  type Issue,
  type Started,
  type Task,
  type WaitResult,
} from '../client/index.ts'
import type { AdhocSource, BodySource, Command } from './args.ts'
import { runBulk } from './bulk.ts'
import { EXIT, type ExitCode } from './exit-codes.ts'
import { duration, executionsTable, executionText, flowsTable, logText, oneLine, table } from './format.ts'
import { Progress, type ProgressStream } from './progress.ts'
import { flowFiles, type PushResult, pushResult } from './push.ts'
import { isIdPrefix, PREFIX_CANDIDATES, resolvePrefix } from './short-ids.ts'
import { replayRecord, testFlows } from './flow-tests.ts'

export interface Io {
  stdout: ProgressStream
  stderr: ProgressStream
  env: Record<string, string | undefined>
  readStdin(): Promise<string>
}

/** A command line that names something unusable: a body that is not JSON, a folder that cannot be read. */
export class UsageProblem {
  readonly type = 'usage'
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

const print = (io: Io, text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
const printJson = (io: Io, value: unknown) => print(io, JSON.stringify(value, null, 2))

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** The JSON of a text an option gave; blank is `undefined`. */
function jsonOf(text: string, what: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageProblem(`${what} is not JSON: ${reason(error)}`)
  }
}

/** The JSON a `--body` (or `--adhoc`) names; none is `undefined` (the API takes an empty body as {}). */
async function bodyOf(source: BodySource | undefined, io: Io, option = '--body'): Promise<unknown> {
  if (source === undefined) return undefined
  const where = `${option} ${source.from === 'stdin' ? 'standard input' : source.path}`
  let text: string
  try {
    text = source.from === 'stdin' ? await io.readStdin() : await readFile(source.path, 'utf8')
  } catch (error) {
    throw new UsageProblem(`cannot read ${where}: ${reason(error)}`)
  }
  return jsonOf(text, where)
}

/** The request of `run --adhoc` or `run --task` (the server validates the flow or the task as a PUT does). */
async function adhocRequest(source: AdhocSource, input: unknown, io: Io): Promise<AdhocRequest> {
  const withInput = input === undefined ? {} : { input }
  if (source.from === 'task') {
    const task = jsonOf(source.json, '--task')
    if (task === undefined)
      throw new UsageProblem('--task takes a task as JSON, e.g. {"id":"t","type":"log","message":"hi"}')
    return { task: task as Task, ...withInput }
  }
  const flow = await bodyOf(source.body, io, '--adhoc')
  if (flow === undefined) throw new UsageProblem('--adhoc takes a file holding a flow definition as JSON')
  return { flow: flow as FlowDefinition, ...withInput }
}

/**
 * The execution an id given on the command line names: a full id as it is, a prefix (a short id of
 * `executions ls`) looked up in the list — one found is it, several are refused with their ids.
 */
async function executionIdOf(client: EdgeflowClient, given: string): Promise<string> {
  if (!isIdPrefix(given)) return given
  const page = await client.executions.list({ idPrefix: given, limit: PREFIX_CANDIDATES })
  const resolved = resolvePrefix(
    given,
    page.items.map((item) => item.id),
    page.nextCursor !== null,
  )
  if (!resolved.ok) throw new UsageProblem(resolved.message)
  return resolved.executionId
}

/** The exit code of a wait: the status reached (completed or warning when waiting for the end), or not. */
function waitedCode(result: WaitResult): ExitCode {
  return result.reached && result.status !== 'failed' && result.status !== 'killed' ? EXIT.ok : EXIT.failed
}

/** Waits for the execution to end with a progress display on standard error, then prints how it ended. */
async function watch(client: EdgeflowClient, executionId: string, timeoutMs: number, io: Io, json: boolean) {
  const progress = new Progress(io.stderr)
  let result: WaitResult
  try {
    result = await client.waitFor(executionId, { timeoutMs, onPoll: (execution) => progress.update(execution) })
  } finally {
    progress.end()
  }
  if (json) printJson(io, result.execution)
  else print(io, endedText(result.execution))
  return waitedCode(result)
}

function endedText(execution: Execution): string {
  const lines = [`execution ${execution.id} ${execution.status} after ${duration(execution.durationMs)}`]
  if (execution.error)
    lines.push(
      `error ${execution.error.type}${execution.error.taskId ? ` at ${execution.error.taskId}` : ''}: ${execution.error.message}`,
    )
  if (execution.output !== null) lines.push(`output ${oneLine(execution.output, 500)}`)
  return lines.join('\n')
}

function startedText(started: Started): string {
  if (started.kind === 'accepted') return `execution ${started.executionId} ${started.status}`
  if (started.kind === 'gathered')
    return `execution ${started.executionId} gathered by ${started.gathered} (${started.size} so far), starts by ${started.startsAt}`
  return `execution ${started.executionId} answered ${started.status}\n${oneLine(started.body, 2000)}`
}

/** A sync flow's answer of 5xx is its failure: the exit code of a failed execution, as `--wait` gives. */
const answerCode = (started: Started): ExitCode =>
  started.kind === 'answered' && started.status >= 500 ? EXIT.failed : EXIT.ok

async function startAndMaybeWait(
  client: EdgeflowClient,
  started: Started,
  wait: { wait: boolean; timeoutMs: number },
  io: Io,
  json: boolean,
): Promise<ExitCode> {
  // a gathered trigger's execution does not exist until its debounce or batch starts it: nothing to wait for yet
  if (!wait.wait || started.kind === 'gathered') {
    if (json)
      printJson(
        io,
        started.kind === 'answered' ? { ...started, headers: Object.fromEntries(started.headers) } : started,
      )
    else print(io, startedText(started))
    return answerCode(started)
  }
  // a sync answer is the command's result, on standard output; an acceptance is progress, on
  // standard error (with --json, the execution's JSON holds its output, the answer included)
  if (!json) {
    if (started.kind === 'answered') print(io, startedText(started))
    else io.stderr.write(`${startedText(started)}\n`)
  }
  const waited = await watch(client, started.executionId, wait.timeoutMs, io, json)
  return waited === EXIT.ok ? answerCode(started) : waited
}

/** What `flows push` did with one file. */
type Pushed = { file: string; flowId: string } & (
  | { result: PushResult; revision: number }
  | { result: 'failed'; error: { code: string; message: string; issues: Issue[] } }
  | { result: 'skipped'; reason: string }
)

const NOT_A_FLOW_ID = 'the name is no flow id (letters, digits and _, 64 at most)'

const errorLine = (error: { code: string; message: string; issues: Issue[] }) =>
  [`${error.code}: ${error.message}`, ...error.issues.map((issue) => `${issue.path}: ${issue.message}`)].join('; ')

async function push(client: EdgeflowClient, dir: string, io: Io, json: boolean): Promise<ExitCode> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    throw new UsageProblem(`cannot read folder ${dir}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const found = flowFiles(names)
  if (!found.ok) throw new UsageProblem(found.message)
  if (found.files.length === 0) throw new UsageProblem(`no .json, .yaml or .yml flow in ${dir}`)
  const results: Pushed[] = found.skipped.map((file) => ({
    file,
    flowId: file.slice(0, file.lastIndexOf('.')),
    result: 'skipped',
    reason: NOT_A_FLOW_ID,
  }))
  for (const file of found.files) {
    const source = await readFile(path.join(dir, file.file), 'utf8')
    try {
      const flow = await client.flows.putSource(file.flowId, source, file.format)
      results.push({ file: file.file, flowId: file.flowId, result: pushResult(flow), revision: flow.revision })
    } catch (error) {
      if (!(error instanceof EdgeflowError)) throw error
      // no answer, or no access: every other file would fail alike, so the push stops and says it once
      if (error.problem.type === 'network' || error.status === 401) throw error
      const { code, message, issues } = error
      results.push({
        file: file.file,
        flowId: file.flowId,
        result: 'failed',
        error: { code, message, issues },
      })
    }
  }
  results.sort((a, b) => a.file.localeCompare(b.file))
  if (json) printJson(io, results)
  else
    print(
      io,
      table(
        ['FLOW', 'RESULT', 'REVISION', 'FILE', 'NOTE'],
        results.map((each) => [
          each.flowId,
          each.result,
          'revision' in each ? String(each.revision) : '-',
          each.file,
          'error' in each ? errorLine(each.error) : 'reason' in each ? each.reason : '',
        ]),
      ),
    )
  return results.some((each) => each.result === 'failed') ? EXIT.api : EXIT.ok
}

/** `flows put`: one file, its flow id from its name as `flows push` takes it. */
async function putOne(client: EdgeflowClient, file: string, io: Io, json: boolean): Promise<ExitCode> {
  const found = flowFiles([path.basename(file)])
  if (!found.ok) throw new UsageProblem(found.message)
  const [flowFile] = found.files
  if (!flowFile)
    throw new UsageProblem(
      found.skipped.length > 0 ? `${file}: ${NOT_A_FLOW_ID}` : `${file} is no .json, .yaml or .yml file`,
    )
  let source: string
  try {
    source = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageProblem(`cannot read ${file}: ${reason(error)}`)
  }
  const flow = await client.flows.putSource(flowFile.flowId, source, flowFile.format)
  const put = { file, flowId: flowFile.flowId, result: pushResult(flow), revision: flow.revision }
  if (json) printJson(io, put)
  else print(io, `flow ${put.flowId} ${put.result} (revision ${put.revision})`)
  return EXIT.ok
}

async function allFlows(client: EdgeflowClient) {
  const items = []
  let cursor: string | null = null
  do {
    const page = await client.flows.list({ limit: 100, ...(cursor ? { cursor } : {}) })
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return items
}

type LogsCommand = Extract<Command, { name: 'executions logs' }>

/** The API's selection of lines for the command's options. */
const logSelection = (command: LogsCommand) => ({
  ...(command.taskId ? { taskId: command.taskId } : {}),
  ...(command.level ? { level: command.level } : {}),
  ...(command.search ? { q: command.search } : {}),
})

async function allLogs(client: EdgeflowClient, command: LogsCommand) {
  const items = []
  let cursor = 0
  let dropped = 0
  for (;;) {
    const page = await client.executions.logs(command.executionId, { cursor, limit: 1000, ...logSelection(command) })
    items.push(...page.items)
    dropped = page.dropped
    if (page.nextCursor === null) return { items, dropped }
    cursor = Number(page.nextCursor)
  }
}

export async function runCommand(command: Command, client: EdgeflowClient, io: Io, json: boolean): Promise<ExitCode> {
  switch (command.name) {
    case 'help':
      return EXIT.ok
    case 'flows push':
      return push(client, command.dir, io, json)
    case 'flows put':
      return putOne(client, command.file, io, json)
    case 'flows rm': {
      await (command.purge ? client.flows.delete(command.flowId) : client.flows.disable(command.flowId))
      const result = command.purge ? 'deleted' : 'disabled'
      if (json) printJson(io, { flowId: command.flowId, result })
      else
        print(
          io,
          command.purge
            ? `flow ${command.flowId} deleted with its revisions (its ended executions stay for their retention)`
            : `flow ${command.flowId} disabled (its history is kept; flows put enables it again)`,
        )
      return EXIT.ok
    }
    case 'flows ls': {
      const flows = await allFlows(client)
      if (json) printJson(io, { items: flows })
      else print(io, flows.length ? flowsTable(flows) : 'no flows')
      return EXIT.ok
    }
    case 'flows get': {
      const flow = await client.flows.get(command.flowId)
      if (json) printJson(io, flow)
      else print(io, `${flowsTable([flow])}\n\n${JSON.stringify(flow.definition, null, 2)}`)
      return EXIT.ok
    }
    case 'flows test':
    case 'test':
      return testFlows(
        client,
        command.target,
        command,
        { print: (text) => print(io, text), write: (file, text) => writeFile(file, text) },
        (message) => {
          throw new UsageProblem(message)
        },
      )
    case 'flows replay':
    case 'replay':
      return replayRecord(client, command.file, command, (text) => print(io, text), json)
    case 'executions pull':
    case 'pull': {
      const record = await client.executions.record(await executionIdOf(client, command.executionId))
      if (command.output === undefined) printJson(io, record)
      else {
        await writeFile(command.output, `${JSON.stringify(record, null, 2)}\n`)
        print(io, `execution ${record.id} written to ${command.output} (${record.taskRuns.length} task runs)`)
      }
      return EXIT.ok
    }
    case 'run': {
      const started = await client.flows.trigger(command.flowId, await bodyOf(command.body, io))
      return startAndMaybeWait(client, started, command, io, json)
    }
    case 'run adhoc': {
      const request = await adhocRequest(command.source, await bodyOf(command.body, io), io)
      return startAndMaybeWait(client, await client.executions.run(request), command, io, json)
    }
    case 'executions ls': {
      const page = await client.executions.list({
        limit: command.limit,
        ...(command.flowId ? { flowId: command.flowId } : {}),
        ...(command.status ? { status: command.status } : {}),
        ...(command.labels.length > 0 ? { label: command.labels } : {}),
      })
      if (json) printJson(io, page)
      else print(io, page.items.length ? executionsTable(page.items) : 'no executions')
      return EXIT.ok
    }
    case 'executions get': {
      const execution = await client.executions.get(await executionIdOf(client, command.executionId))
      if (json) printJson(io, execution)
      else print(io, executionText(execution))
      return EXIT.ok
    }
    case 'executions logs': {
      const executionId = await executionIdOf(client, command.executionId)
      if (command.format === 'ndjson') {
        // the API's download as it streams: a large log is never held whole
        const decoder = new TextDecoder()
        for await (const chunk of await client.executions.downloadLogs(executionId, logSelection(command))) {
          io.stdout.write(decoder.decode(chunk, { stream: true }))
        }
        return EXIT.ok
      }
      const logs = await allLogs(client, { ...command, executionId })
      if (json) printJson(io, logs)
      else {
        if (logs.items.length) print(io, logText(logs.items))
        if (logs.dropped) io.stderr.write(`(${logs.dropped} older lines were dropped past the log budget)\n`)
      }
      return EXIT.ok
    }
    case 'executions watch':
      return watch(client, await executionIdOf(client, command.executionId), command.timeoutMs, io, json)
    case 'executions kill':
    case 'executions pause':
    case 'executions resume': {
      const action =
        command.name === 'executions kill' ? 'kill' : command.name === 'executions pause' ? 'pause' : 'resume'
      const accepted = await client.executions[action](await executionIdOf(client, command.executionId))
      if (json) printJson(io, accepted)
      else print(io, `execution ${accepted.executionId} ${accepted.status}`)
      return EXIT.ok
    }
    case 'executions rm': {
      const executionId = await executionIdOf(client, command.executionId)
      await client.executions.delete(executionId)
      if (json) printJson(io, { executionId, deleted: true })
      else print(io, `execution ${executionId} deleted`)
      return EXIT.ok
    }
    case 'executions replay': {
      const replay = await client.executions.replay(await executionIdOf(client, command.executionId), {
        ...(command.fromTaskId ? { fromTaskId: command.fromTaskId } : {}),
        ...(command.revision ? { revision: command.revision } : {}),
      })
      const text = `execution ${replay.executionId} replays ${replay.replayOf} from ${replay.fromTaskId} on revision ${replay.revision} (${replay.reused} task runs reused)`
      if (!command.wait) {
        if (json) printJson(io, replay)
        else print(io, text)
        return EXIT.ok
      }
      if (!json) io.stderr.write(`${text}\n`)
      return watch(client, replay.executionId, command.timeoutMs, io, json)
    }
    case 'events send': {
      const answer = await client.executions.event(
        await executionIdOf(client, command.executionId),
        command.event,
        (await bodyOf(command.body, io)) ?? {},
      )
      if (json) printJson(io, answer)
      else
        print(
          io,
          `event ${answer.event} ${answer.delivered ? 'delivered to' : 'kept for a wait task to come in'} execution ${answer.executionId} (${answer.status})`,
        )
      return EXIT.ok
    }
    case 'executions bulk':
      return runBulk(client, command, (text) => print(io, text), json)
    default: {
      const unhandled: never = command
      return unhandled
    }
  }
}
