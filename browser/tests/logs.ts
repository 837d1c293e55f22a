/**
 * `npm run test:browser`: an execution's logs as an operator reads them (issue 23 §5) — searched,
 * grouped by task run and attempt, a group opening its attempt, downloaded as NDJSON — the Gantt's
 * attempt segments opening their attempt, and a `queued` execution shown and killable (a trap).
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { listedWhere, putFlow, trigger, waitFor } from '../samples.ts'
import { type Stack, startStack } from '../stack.ts'

let stack: Stack
let page: Page

before(async () => {
  stack = await startStack()
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
})

after(async () => {
  await stack?.stop()
})

const open = async (path: string) => {
  const response = await page.goto(`${stack.url}${path}`)
  assert.equal(response?.status(), 200, `GET ${path}`)
}

/** An ended execution: a log line, then a call that fails twice (two attempts, each with its lines). */
async function retried(): Promise<{ id: string; runId: number }> {
  await putFlow(stack, 'retriedLogs', {
    tasks: [
      { id: 'hello', type: 'log', message: 'Hello from the logs test' },
      { id: 'call', type: 'http', url: `${stack.target.url}/status/503`, retry: { maxAttempts: 2, delay: '10ms' } },
    ],
  })
  const id = await trigger(stack, 'retriedLogs')
  const detail = await waitFor(stack, id)
  assert.equal(detail.status, 'failed')
  const run = (detail['taskRuns'] as { id: number; taskId: string }[]).find((each) => each.taskId === 'call')!
  return { id, runId: run.id }
}

/** Whether the run's details are open and the attempt's row is the page's target. */
async function opensAttempt(runId: number, attempt: number) {
  assert.equal(new URL(page.url()).hash, `#run-${runId}-attempt-${attempt}`)
  assert.equal(
    await page.locator(`details#run-${runId}`).evaluate((details) => (details as HTMLDetailsElement).open),
    true,
  )
  assert.equal(await page.locator(':target').getAttribute('id'), `run-${runId}-attempt-${attempt}`)
  assert.ok(await page.locator(`#run-${runId}-attempt-${attempt}`).isVisible())
}

describe('the Gantt of an execution', () => {
  it('opens an attempt from its segment, by click and by keyboard', async () => {
    const { id, runId } = await retried()
    await open(`/executions/${id}`)
    const segments = page.locator(`.gantt-row[data-run="${runId}"] a.seg-attempt`)
    assert.equal(await segments.count(), 2)
    await segments.nth(1).click()
    await opensAttempt(runId, 2)
    // the keyboard: the first attempt's link takes the focus and Enter follows it
    await segments.nth(0).focus()
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.hash === `#run-${runId}-attempt-1`)
    await opensAttempt(runId, 1)
  })
})

describe('the logs of an execution', () => {
  it('are searched, grouped by run and attempt, and a group opens its attempt', async () => {
    const { id, runId } = await retried()
    await open(`/executions/${id}?logLevel=debug`)
    const logs = page.locator('[data-region="logs"]')
    // grouped: each attempt of the retried call is a group whose cell spans its lines
    const groups = logs.locator('tbody th a')
    const hrefs = await groups.evaluateAll((links) => links.map((link) => link.getAttribute('href')))
    assert.ok(hrefs.includes(`#run-${runId}-attempt-1`) && hrefs.includes(`#run-${runId}-attempt-2`), hrefs.join())
    assert.equal(await logs.locator(`th:has(a[href="#run-${runId}-attempt-2"])`).getAttribute('rowspan'), '2')
    // searched: the box keeps what was typed, and only the lines holding it are left
    await logs.locator('input[name="logQ"]').fill('ATTEMPT 2')
    await logs.locator('button', { hasText: 'Filter logs' }).click()
    await page.waitForURL((url) => url.searchParams.get('logQ') === 'ATTEMPT 2')
    assert.equal(await logs.locator('input[name="logQ"]').inputValue(), 'ATTEMPT 2')
    const messages = await logs.locator('tbody td:last-child').allTextContents()
    assert.ok(messages.length > 0)
    for (const message of messages) assert.match(message, /attempt 2/i)
    await logs.locator(`a[href="#run-${runId}-attempt-2"]`).click()
    await opensAttempt(runId, 2)
  })

  it('download as NDJSON: the lines the filters keep, a JSON object a line', async () => {
    const { id, runId } = await retried()
    await open(`/executions/${id}?logRun=${runId}&logLevel=debug`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.download')])
    assert.equal(download.suggestedFilename(), `${id}-logs.ndjson`)
    const text = await readFile((await download.path()) as string, 'utf8')
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { taskRunId: number; attempt: number; message: string })
    assert.ok(lines.length >= 4, text)
    assert.deepEqual(new Set(lines.map((line) => line.taskRunId)), new Set([runId]))
    assert.deepEqual(new Set(lines.map((line) => line.attempt)), new Set([1, 2]))
  })
})

describe('a queued execution', () => {
  it('has its glyph and style, and a Kill button that kills it', async () => {
    await putFlow(stack, 'oneAtATime', {
      concurrency: { limit: 1, onLimit: 'queue' },
      tasks: [{ id: 'nap', type: 'delay', duration: 'PT1M' }],
    })
    const first = await trigger(stack, 'oneAtATime')
    await waitFor(stack, first, (e) => e.status === 'delayed')
    const second = await trigger(stack, 'oneAtATime')
    await waitFor(stack, second, (e) => e.status === 'queued')
    // the list (eventually consistent) shows it queued, with its glyph
    await listedWhere(stack, 'flowId=oneAtATime', (items) =>
      items.some((item) => item.id === second && item.status === 'queued'),
    )
    await open('/?flowId=oneAtATime')
    const row = page.locator(`tr[data-execution="${second}"]`)
    assert.match((await row.locator('.st-queued').first().textContent()) ?? '', /◌/)
    await open(`/executions/${second}`)
    const status = page.locator('[data-region=facts] [data-status=queued]')
    assert.ok(await status.isVisible())
    assert.notEqual(await status.evaluate((node) => getComputedStyle(node).color), 'rgb(0, 0, 0)')
    // Kill asks first (a disclosure), then kills
    await page.click('summary:has-text("Kill…")')
    assert.equal((await waitFor(stack, second, () => true)).status, 'queued', 'opening Kill… kills nothing')
    await page.click('button:has-text("Kill the execution")')
    await page.waitForSelector('[data-region=facts] [data-status=killed]', { timeout: 15_000 })
    assert.equal((await waitFor(stack, second)).status, 'killed')
    await stack.api('POST', `/api/executions/${first}/kill`)
  })
})
