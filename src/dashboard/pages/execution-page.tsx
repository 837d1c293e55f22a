/** @module `/executions/:id`: everything about one execution, read from the API, live while it runs. */
import { type ApiProblem, isProblem, defined, type ExecutionView, type FlowView, type TaskRunView } from '../api-types'
import { type Api, read } from '../api-client'
import { isFinal } from '../core/status'
import { msOf } from '../core/time'
import { countsByTask, summariseRuns, totalsOf } from '../core/totals'
import { parseDuration } from '../../domain/duration'
import { LogLevel } from '../../domain/log'
import { walkTasks } from '../../flow/schema'
import type { View } from '../view'
import { Problem } from './components'
import { ErrorBanner } from './error-banner'
import { Actions, type PendingWait, type ReplayChoices, revisionsOf } from './execution-actions'
import { Facts, InputOutput, Metrics } from './execution-facts'
import { type LogFilter, Logs } from './execution-logs'
import { Gantt, RUNS_PAGE, type RunsPage, runRows, RunsTable } from './execution-runs'
import { Region } from './region'
import { runOfTask, Topology } from './topology-section'

const LOG_PAGE = 100

/** The replays of an execution its page links to. */
const REPLAYS_SHOWN = 10

/** The page's sections, in its order, for the table of contents. */
const SECTIONS: [string, string][] = [
  ['actions', 'Actions'],
  ['gantt', 'Gantt'],
  ['topology', 'Topology'],
  ['io', 'Input, output, error'],
  ['task-runs', 'Task runs'],
  ['logs', 'Logs'],
  ['metrics', 'Metrics'],
]

/** What an execution of no flow (an ad-hoc run) has in place of its revision. */
const NO_FLOW = {
  ok: false,
  problem: { status: 404, code: 'not_found', message: 'an ad-hoc run has no flow' },
} as const

/** The task runs of the page asked for: the detail's first ones, or a page after `after`. */
async function runsPage(api: Api, execution: ExecutionView, after: number): Promise<RunsPage | ApiProblem> {
  let runs: TaskRunView[] = execution.taskRuns.slice(0, RUNS_PAGE)
  if (after > 0) {
    const page = await read(
      api.client.GET('/api/executions/{id}/task-runs', {
        params: { path: { id: execution.id }, query: { cursor: after, limit: RUNS_PAGE } },
      }),
    )
    if (!page.ok) return page.problem
    runs = page.data.items
  }
  const lastId = runs.at(-1)?.id ?? after
  let rest = null
  if (execution.taskRunCount > runs.length) {
    const totals = await read(
      api.client.GET('/api/executions/{id}/task-runs/totals', {
        params: { path: { id: execution.id }, query: { after: lastId } },
      }),
    )
    if (!totals.ok) return totals.problem
    rest = summariseRuns(totals.data.items)
  }
  return { runs, after, rest, total: execution.taskRunCount }
}

/** The task ids of a definition, depth first. */
function taskIdsOf(definition: FlowView['definition'] | null): string[] {
  const ids: string[] = []
  for (const list of definition ? [definition.tasks, definition.errors ?? [], definition.finally ?? []] : [])
    walkTasks(list, [], (task) => ids.push(task.id))
  return ids
}

/** The waits pending among `runs`, each until its task's timeout from when it began waiting. */
function waitsOf(runs: readonly TaskRunView[], definition: FlowView['definition'] | null): PendingWait[] {
  const timeouts = new Map<string, number | null>()
  for (const list of definition ? [definition.tasks, definition.errors ?? [], definition.finally ?? []] : [])
    walkTasks(list, [], (task) => {
      const timeout: unknown = task.timeout
      timeouts.set(task.id, typeof timeout === 'string' || typeof timeout === 'number' ? parseDuration(timeout) : null)
    })
  return runs.flatMap((run) => {
    if (!run.waitingFor || run.status !== 'waiting') return []
    const since = msOf(run.attempts.at(-1)?.startedAt ?? run.startedAt)
    const timeout = timeouts.get(run.taskId) ?? null
    const until = since !== null && timeout !== null ? new Date(since + timeout).toISOString() : null
    return [{ event: run.waitingFor, until, taskId: run.taskId }]
  })
}

export async function executionPage(
  api: Api,
  id: string,
  query: Record<string, string>,
  now: number,
): Promise<View | ApiProblem> {
  const detail = await read(api.client.GET('/api/executions/{id}', { params: { path: { id } } }))
  if (!detail.ok) return detail.problem
  const execution = detail.data
  const runId = Number(query['logRun'])
  const filter: LogFilter = {
    taskId: query['logTask'] ?? '',
    level: query['logLevel'] ?? '',
    text: query['logQ'] ?? '',
    // a run id is a positive whole number: anything else filters nothing
    runId: Number.isInteger(runId) && runId > 0 ? String(runId) : '',
    cursor: query['logCursor'] ?? '',
  }
  const level = LogLevel.safeParse(filter.level)
  const logQuery = {
    limit: LOG_PAGE,
    ...(filter.taskId ? { taskId: filter.taskId } : {}),
    ...(level.success ? { level: level.data } : {}),
    ...(filter.text ? { q: filter.text } : {}),
    ...(filter.runId ? { taskRunId: Number(filter.runId) } : {}),
    ...(filter.cursor ? { cursor: Number(filter.cursor) } : {}),
  }
  const flowId = execution.flowId
  const after = Math.max(0, Number.parseInt(query['runs'] ?? '0', 10) || 0)
  const [page, totals, revision, logs, revisions, replays] = await Promise.all([
    runsPage(api, execution, after),
    // every run is in the detail when there are few: no need to ask for their totals
    execution.taskRunCount <= execution.taskRuns.length
      ? { ok: true as const, data: { items: totalsOf(execution.taskRuns) } }
      : read(api.client.GET('/api/executions/{id}/task-runs/totals', { params: { path: { id: execution.id } } })),
    // an ad-hoc run has no flow: no revision to show, none to replay under
    flowId === null || execution.revision === null
      ? NO_FLOW
      : read(
          api.client.GET('/api/flows/{id}/revisions/{revision}', {
            params: { path: { id: flowId, revision: execution.revision } },
          }),
        ),
    read(api.client.GET('/api/executions/{id}/logs', { params: { path: { id: execution.id }, query: logQuery } })),
    isFinal(execution.status) && flowId !== null
      ? read(api.client.GET('/api/flows/{id}/revisions', { params: { path: { id: flowId } } }))
      : null,
    // its replays, newest first: a failed execution leads to the run that fixed it
    isFinal(execution.status) && flowId !== null
      ? read(api.client.GET('/api/executions', { params: { query: { replayOf: execution.id, limit: REPLAYS_SHOWN } } }))
      : null,
  ])
  if (isProblem(page)) return page
  const definition = revision.ok ? defined(revision.data).definition : null
  const taskIds = taskIdsOf(definition)
  const numbers = revisions?.ok ? revisionsOf(revisions.data.items) : null
  const replay: ReplayChoices | null = numbers && {
    taskIds,
    revisions: numbers,
    latest: numbers[0] ?? null,
  }
  const waits = waitsOf(page.runs, definition)
  // the foreach runs whose iterations are all shown (`?expand=3,7`)
  const expanded = new Set((query['expand'] ?? '').split(',').map(Number).filter(Number.isInteger))
  const frame = {
    start: msOf(execution.startedAt) ?? msOf(execution.createdAt) ?? now,
    end: msOf(execution.endedAt) ?? now,
    now,
  }
  const regions = {
    error: <ErrorBanner execution={execution} runs={page.runs} />,
    facts: <Facts execution={execution} replays={replays?.ok ? replays.data.items.map((item) => item.id) : []} />,
    actions: <Actions execution={execution} replay={replay} waits={waits} />,
    gantt: <Gantt page={page} frame={frame} executionId={execution.id} expanded={expanded} />,
    topology: definition ? (
      <Topology
        definition={definition}
        counts={totals.ok ? countsByTask(totals.data.items) : new Map()}
        label={`Topology of ${execution.flowId} revision ${execution.revision}`}
        runOf={runOfTask(page.runs)}
      />
    ) : (
      <Problem
        problem={revision.ok ? { status: 404, code: 'not_found', message: 'no definition' } : revision.problem}
      />
    ),
    ...(({ ended, active }) => ({ 'runs-ended': ended, 'runs-active': active }))(runRows(page.runs, expanded)),
    logs: logs.ok ? (
      <Logs executionId={execution.id} page={logs.data} filter={filter} taskIds={taskIds} />
    ) : (
      <Problem problem={logs.problem} />
    ),
    metrics: <Metrics execution={execution} />,
    io: <InputOutput execution={execution} />,
  }
  const live = !isFinal(execution.status)
  const body = (
    <>
      <h1>
        Execution <span class="mono">{execution.id}</span>
      </h1>
      {/* what is true without the script: it says "live" once it polls */}
      <p class="live-note" data-live-note>
        {live ? 'running: reload the page to see it progress' : 'final: no more updates'}
      </p>
      <Region name="error">{regions.error}</Region>
      <nav class="toc" aria-label="Sections of the page">
        {SECTIONS.map(([anchor, text]) => (
          <a href={`#${anchor}`}>{text}</a>
        ))}
      </nav>
      <Region name="facts">{regions.facts}</Region>
      <h2 id="actions">Actions</h2>
      <Region name="actions">{regions.actions}</Region>
      <h2 id="gantt">Gantt</h2>
      <Region name="gantt">{regions.gantt}</Region>
      <h2 id="topology">Topology</h2>
      <Region name="topology">{regions.topology}</Region>
      <h2 id="io">Input, output and error</h2>
      <Region name="io">{regions.io}</Region>
      <h2 id="task-runs">Task runs</h2>
      <RunsTable ended={regions['runs-ended']} active={regions['runs-active']} />
      <h2 id="logs">Logs</h2>
      <Region name="logs">{regions.logs}</Region>
      <h2 id="metrics">Metrics</h2>
      <Region name="metrics">{regions.metrics}</Region>
    </>
  )
  return {
    title: `Execution ${execution.id.slice(0, 8)} (${execution.status})`,
    section: 'executions',
    live,
    regions,
    body,
  }
}
