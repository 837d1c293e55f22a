/**
 * The execution page's logs (issue 23 §5) and its Gantt's links, through the pages as SELF.fetch
 * gets them: search, one run's lines, groups by run and attempt, the NDJSON download, and each
 * attempt's segment linking to its permalink.
 */
import { describe, expect, it } from 'vitest'
import { call, finished, target, waitFor } from '../helpers/api'
import { start } from '../helpers/engine'

const page = async (path: string) => (await call('GET', path)).text()

/** An ended execution: a log line, then a call that fails twice (two attempts, each with its lines). */
async function retried() {
  const { executionId } = await start({
    tasks: [
      { id: 'hello', type: 'log', message: 'Hello from the dashboard' },
      { id: 'call', type: 'http', url: target('/status/503'), retry: { maxAttempts: 2, delay: '10ms' } },
    ],
  })
  const detail = await waitFor(executionId, finished)
  const run = (detail.taskRuns as { id: number; taskId: string }[]).find((r) => r.taskId === 'call')!
  return { executionId, runId: run.id }
}

/** The groups of the page's log table, in order: the permalink each group's cell links to. */
const groupsIn = (html: string) =>
  [...html.slice(html.indexOf('data-region="logs"')).matchAll(/<th(?: rowspan="\d+")?><a href="#([^"]+)"/g)].map(
    (match) => match[1],
  )

describe('the logs of an execution page', () => {
  it('are grouped by run and attempt, each group linking to its attempt', async () => {
    const { executionId, runId } = await retried()
    const html = await page(`/executions/${executionId}?logLevel=debug`)
    const groups = groupsIn(html)
    expect(groups).toContain(`run-${runId}-attempt-1`)
    expect(groups).toContain(`run-${runId}-attempt-2`)
    expect(groups.indexOf(`run-${runId}-attempt-1`)).toBeLessThan(groups.indexOf(`run-${runId}-attempt-2`))
    expect(html).toContain(`<th rowspan="2"><a href="#run-${runId}-attempt-2">call #${runId}/2</a></th>`)
    expect(html).toContain(`id="run-${runId}-attempt-2"`)
  })

  it("are searched (logQ), and narrowed to one run's lines (logRun)", async () => {
    const { executionId, runId } = await retried()
    const found = await page(`/executions/${executionId}?logQ=HELLO%20from`)
    expect(found).toContain('Hello from the dashboard')
    expect(found).toContain('value="HELLO from"')
    expect(groupsIn(found)).toHaveLength(1)
    const none = await page(`/executions/${executionId}?logQ=nowhere`)
    expect(none).toContain('No log lines match.')
    const run = await page(`/executions/${executionId}?logRun=${runId}&logLevel=debug`)
    expect(new Set(groupsIn(run))).toEqual(new Set([`run-${runId}-attempt-1`, `run-${runId}-attempt-2`]))
    expect(run.slice(run.indexOf('data-region="logs"'))).not.toContain('Hello from the dashboard')
    // the download keeps the page's filters, in the API's names
    expect(run).toContain(`href="/executions/${executionId}/logs.ndjson?level=debug&amp;taskRunId=${runId}"`)
  })

  it('download as NDJSON through the dashboard, every line the filters keep', async () => {
    const { executionId, runId } = await retried()
    const response = await call('GET', `/executions/${executionId}/logs.ndjson?taskRunId=${runId}&level=debug`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${executionId}-logs.ndjson"`)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    const text = new TextDecoder().decode(await response.arrayBuffer())
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { taskRunId: number; attempt: number })
    expect(lines.length).toBeGreaterThan(1)
    expect(new Set(lines.map((line) => line.taskRunId))).toEqual(new Set([runId]))
    expect(new Set(lines.map((line) => line.attempt))).toEqual(new Set([1, 2]))
  })

  it("refuse bad filters with the API's 400, on the page and in the download", async () => {
    const { executionId } = await retried()
    const html = await page(`/executions/${executionId}?logQ=${'x'.repeat(201)}`)
    expect(html).toContain('invalid_request')
    const download = await call('GET', `/executions/${executionId}/logs.ndjson?taskRunId=first`)
    expect(download.status).toBe(400)
    expect(await download.text()).toContain('taskRunId')
  })
})

describe('the Gantt of an execution page', () => {
  it("links each attempt's segment to the attempt's permalink", async () => {
    const { executionId, runId } = await retried()
    const html = await page(`/executions/${executionId}`)
    const gantt = html.slice(html.indexOf('class="gantt"'), html.indexOf('</svg>', html.indexOf('class="gantt"')))
    for (const attempt of [1, 2])
      expect(gantt).toMatch(
        new RegExp(`<a class="seg seg-attempt st-failed" href="#run-${runId}-attempt-${attempt}" tabindex="0">`),
      )
    // the back-off between them is no attempt: a tab stop of its own, no link
    expect(gantt).toMatch(/class="seg seg-backoff[^"]*" tabindex="0"/)
  })
})
