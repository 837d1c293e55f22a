/**
 * @module The CLI's shell: parse the command line, run the command on the client, print, and
 * answer an exit code (exit-codes.ts). bin/edgeflow.js calls `main` with the process's arguments.
 */
import { type ClientOptions, createClient, EdgeflowError } from '../client/index.ts'
import { parseCommand } from './args.ts'
import { type Io, runCommand, UsageProblem } from './commands.ts'
import { EXIT, type ExitCode } from './exit-codes.ts'
import { hintOf, problemJson, problemText, usageJson } from './problems.ts'
import { USAGE } from './usage.ts'

const line = (value: unknown) => `${JSON.stringify(value)}\n`

/** Runs the command line `argv`; `fetch` replaces the network (tests). */
export async function main(argv: string[], io: Io, fetch?: ClientOptions['fetch']): Promise<ExitCode> {
  const parsed = parseCommand(argv, io.env)
  if (!parsed.ok) {
    // the line did not parse, but --json may still be on it
    if (argv.includes('--json')) io.stderr.write(line(usageJson(parsed.message)))
    else io.stderr.write(`error: ${parsed.message}\nRun edgeflow --help for the commands.\n`)
    return EXIT.usage
  }
  const { command, connection } = parsed
  if (command.name === 'help') {
    io.stdout.write(USAGE)
    return EXIT.ok
  }
  const client = createClient({ url: connection.url, token: connection.token, ...(fetch ? { fetch } : {}) })
  try {
    return await runCommand(command, client, io, connection.json)
  } catch (error) {
    if (error instanceof UsageProblem) {
      io.stderr.write(connection.json ? line(usageJson(error.message)) : `error: ${error.message}\n`)
      return EXIT.usage
    }
    if (!(error instanceof EdgeflowError)) throw error
    const hint = hintOf(error, connection)
    io.stderr.write(connection.json ? line(problemJson(error, hint)) : `${problemText(error, hint)}\n`)
    return error.problem.type === 'timeout' ? EXIT.timeout : EXIT.api
  }
}
