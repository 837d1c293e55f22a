/**
 * @module The CLI's shell: parse the command line, run the command on the client, print, and
 * answer an exit code (exit-codes.ts). bin/edgeflow.js calls `main` with the process's arguments.
 */
import { createClient, EdgeflowError } from '../client/index.ts'
import { parseCommand } from './args.ts'
import { type Io, runCommand, UsageProblem } from './commands.ts'
import { EXIT, type ExitCode } from './exit-codes.ts'
import { USAGE } from './usage.ts'

/** The problem as lines for standard error: the message, then each bad field with its path. */
function problemText(error: EdgeflowError): string {
  const { problem } = error
  const head =
    problem.type === 'api'
      ? `error: ${problem.status} ${problem.code}: ${problem.message}`
      : `error: ${problem.message}`
  return [head, ...error.issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`)].join('\n')
}

export async function main(argv: string[], io: Io): Promise<ExitCode> {
  const parsed = parseCommand(argv, io.env)
  if (!parsed.ok) {
    io.stderr.write(`error: ${parsed.message}\nRun edgeflow --help for the commands.\n`)
    return EXIT.usage
  }
  const { command, connection } = parsed
  if (command.name === 'help') {
    io.stdout.write(USAGE)
    return EXIT.ok
  }
  const client = createClient({ url: connection.url, token: connection.token })
  try {
    return await runCommand(command, client, io, connection.json)
  } catch (error) {
    if (error instanceof UsageProblem) {
      io.stderr.write(`error: ${error.message}\n`)
      return EXIT.usage
    }
    if (!(error instanceof EdgeflowError)) throw error
    io.stderr.write(`${problemText(error)}\n`)
    return error.problem.type === 'timeout' ? EXIT.timeout : EXIT.api
  }
}
