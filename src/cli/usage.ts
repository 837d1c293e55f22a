/** @module The CLI's help text. */
import { DEFAULT_URL } from './args.ts'
import { EXIT } from './exit-codes.ts'

const COMMANDS = `Commands:
  flows push <dir>                 PUT every <flow id>.json/.yaml/.yml of a folder; prints created, updated or
                                   unchanged with the revision (identical content keeps its revision)
  flows put <file>                 PUT one <flow id>.json/.yaml/.yml
  flows ls                         every flow
  flows get <flow>                 a flow with its latest definition
  flows rm <flow> [--purge]        disable a flow (history kept; put enables it again);
                                   --purge deletes it and its revisions for good
  flows test <file|flow> [--stored] [--reporter text|json|junit] [-o <file>]
                                   run the test cases beside a flow (orders.test.yaml next to orders.yaml:
                                   the file, not the stored flow), or <flow>.test.yaml here against the
                                   stored flow; prints each case's differences, exits 3 if any case fails;
                                   --reporter junit: JUnit XML for CI; -o writes the report to a file;
                                   --stored: the cases stored with the flow on the server
  test [<dir>|<file>|<flow>] [--reporter text|json|junit] [-o <file>]
                                   every *.test.yaml/.yml/.json of a folder (default: this one), each as
                                   flows test runs it; exits 3 if a case fails, 1 if a document could not run
  flows replay <record> [--flow <file>] [--revision <n>]
                                   replay a pulled execution on a flow file (or a revision of its flow; default
                                   the one it ran) with its recorded I/O, no network; prints what changed per
                                   task, exits 3 if anything did
  run <flow> [--body <file>|-] [--wait] [--timeout 10m]
                                   start an execution (manual trigger) with a JSON body from a file or stdin;
                                   --wait shows its progress and exits with its outcome; a sync answer of
                                   5xx exits ${EXIT.failed}
  run --adhoc <file>|- | --task <json> [--body <file>|-] [--wait] [--timeout 10m]
                                   an ad-hoc run of an inline flow (JSON file) or of one task
  executions ls [--flow <id>] [--status <status>] [--label key:value]... [--limit 20]
                                   newest first, short ids; repeat --label for executions that carry every one
  executions get <id>              an execution and its task runs (any <id>: in full, or a unique prefix)
  executions pull <id> [-o <file>] the execution and every task run as JSON: a record for flows replay
  pull <id> [-o <file>]            executions pull; replay <record> …: flows replay
  executions logs <id> [--task <task id>] [--level debug|info|warn|error] [--search <text>]
                   [--format text|ndjson]
                                   the lines of a task, of a level and above, holding a text; ndjson: one
                                   LogLine as JSON a line, as the API's download streams them
  executions watch <id> [--timeout 10m]
                                   progress until the execution ends
  executions kill|pause|resume <id>
  executions rm <id>               delete an execution that ended
  executions replay <id> [--from <task id>] [--revision <n>] [--wait] [--timeout 10m]
  executions kill|replay|rm <id> <id>... | --filter key=value...
                                   many at once (at most 500): by ids, or every execution the list's
                                   filters match (flowId, status, trigger, label, idPrefix, error, since,
                                   until); replay from the failed task on the latest revision; a line each
  events send <id> <event> [--body <file>|-]
                                   deliver an event to an execution's wait task`

export const USAGE = `Usage: edgeflow <command> [options]

${COMMANDS}

Options:
  --url <url>      the Worker (default: $EDGEFLOW_URL, else ${DEFAULT_URL}); a trailing /api is the API's
  --token <token>  the API token (default: $EDGEFLOW_TOKEN)
  --json           print the API's JSON instead of tables, and errors as JSON (on stderr)
  -h, --help       this help

Exit codes:
  ${EXIT.ok}  done; a waited execution ended completed or warning
  ${EXIT.api}  the API answered an error or could not be reached (flows push: a file failed;
     test: a test document could not run)
  ${EXIT.usage}  usage error: unknown command or option, missing argument, unreadable body or folder,
     an ambiguous execution id prefix
  ${EXIT.failed}  a sync flow answered 5xx; a waited or watched execution ended failed or killed;
     flows test, test: a case failed
  ${EXIT.timeout}  --wait or watch ran out of --timeout (the execution goes on)
`
