/**
 * `npm run test:browser`: the executions list as an operator works it (issue 23 §2–4) — bulk
 * replay of 60 failed executions by their filter, bulk kill of ticked rows with and without
 * JavaScript, ticks kept across live updates, search by id prefix, error text and trigger, status
 * totals that filter, relative times in the viewer's zone, and a permalink opening an attempt.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { execution, listedWhere, putFlow, trigger, waitFor } from '../samples.ts'
import { type Stack, startStack } from '../stack.ts'

let stack: Stack

before(async () => {
  stack = await startStack()
})

after(async () => {
  await stack?.stop()
})

const failing = (message: string) => ({
  tasks: [
    { id: 'prepare', type: 'set', values: { a: 1 } },
    { id: 'compute', type: 'fail', message },
  ],
})
const napping = { tasks: [{ id: 'nap', type: 'delay', duration: '1h' }] }

/** Starts `count` executions of a flow, a few at a time; their ids. */
async function many(flowId: string, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let n = 0; n < count; n += 10)
    ids.push(...(await Promise.all(Array.from({ length: Math.min(10, count - n) }, () => trigger(stack, flowId)))))
  return ids
}

async function open(page: Page, path: string) {
  const response = await page.goto(`${stack.url}${path}`)
  assert.equal(response?.status(), 200, `GET ${path}`)
}

/** The results page's rows: id and whether it was done. */
const results = (page: Page) =>
  page.$$eval('tr[data-result]', (rows) =>
    rows.map((row) => ({ id: row.getAttribute('data-result'), ok: row.getAttribute('data-ok') === 'true' })),
  )

describe('bulk actions on the executions list', () => {
  it('replays 60 failed executions that match the filter, each from the failed task on the fixed revision', async (t) => {
    await putFlow(stack, 'brittle', failing('v1 is broken'))
    const ids = await many('brittle', 60)
    await listedWhere(stack, 'flowId=brittle&status=failed&limit=100', (items) => items.length === 60)
    await putFlow(stack, 'brittle', {
      tasks: [
        { id: 'prepare', type: 'set', values: { a: 1 } },
        { id: 'compute', type: 'log', message: 'fixed' },
      ],
    })
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 800 } })
    await open(page, '/?flowId=brittle&status=failed')
    assert.equal(await page.locator('tr[data-execution]').count(), 25, 'one page of the 60')
    await page.check('input[name="scope"][value="filter"]')
    // two steps: the button that acts appears once the disclosure is open
    assert.equal(await page.isVisible('button[value="replay"]'), false)
    await page.click('#bulk-replay > summary')
    const started = performance.now()
    await Promise.all([page.waitForURL(/\/executions\/bulk$/), page.click('button[value="replay"]')])
    t.diagnostic(
      `bulk replay of 60 from the dashboard: ${Math.round(performance.now() - started)} ms to the results page`,
    )
    assert.match((await page.textContent('h1')) ?? '', /Bulk replay: 60 of 60 replayed/)
    const rows = await results(page)
    assert.deepEqual(rows.map((row) => row.id).sort(), [...ids].sort())
    assert.ok(rows.every((row) => row.ok))
    assert.match((await page.textContent('tr[data-result]')) ?? '', /from compute on revision 2/)
    const replay = (await page.getAttribute(
      'tr[data-result] a[href*="/executions/"]:has-text("new execution")',
      'href',
    ))!
    assert.equal((await waitFor(stack, replay.slice('/executions/'.length))).status, 'completed')
    await page.close()
  })

  it('kills the ticked rows without JavaScript, and the whole page with it, keeping ticks across live updates', async () => {
    await putFlow(stack, 'napper', napping)
    const ids = await many('napper', 30)
    await Promise.all(ids.map((id) => waitFor(stack, id, (e) => e.status === 'delayed')))
    await listedWhere(stack, 'flowId=napper&status=delayed&limit=100', (items) => items.length === 30)
    // without the script: tick three rows, open Kill…, confirm
    const plain = await stack.browser.newContext({ javaScriptEnabled: false })
    const page = await plain.newPage()
    await open(page, '/?flowId=napper')
    const ticked = await page.$$eval('input[data-bulk-id]', (boxes) =>
      boxes.slice(0, 3).map((box) => (box as HTMLInputElement).value),
    )
    for (const id of ticked) await page.check(`input[data-bulk-id][value="${id}"]`)
    await page.click('#bulk-kill > summary')
    await Promise.all([page.waitForURL(/\/executions\/bulk$/), page.click('button[value="kill"]')])
    assert.deepEqual(
      await results(page),
      ticked.map((id) => ({ id, ok: true })),
    )
    for (const id of ticked) assert.equal((await execution(stack, id)).status, 'killed')
    await plain.close()
    // the list is eventually consistent: once it no longer shows the three killed ones as delayed, a row ticked below stays
    await listedWhere(stack, 'flowId=napper&status=delayed&limit=100', (items) => items.length === 27)
    // with it: the list is live (its executions run); ticks survive a redraw; the page box ticks all
    const live = await stack.browser.newPage({ viewport: { width: 1280, height: 800 } })
    await open(live, '/?flowId=napper&status=delayed')
    const first = (await live.getAttribute('input[data-bulk-id]', 'value'))!
    await live.check(`input[data-bulk-id][value="${first}"]`)
    await live.click('h1') // the focus leaves the box, so a live update may redraw the list
    const version = await live.getAttribute('html', 'data-live-version')
    await live.waitForFunction((seen) => document.documentElement.getAttribute('data-live-version') !== seen, version)
    await live.waitForFunction(
      (seen) => document.documentElement.getAttribute('data-live-version') !== seen,
      await live.getAttribute('html', 'data-live-version'),
    )
    assert.equal(await live.isChecked(`input[data-bulk-id][value="${first}"]`), true, 'the tick is kept')
    await live.check('input[data-bulk-page]')
    const onPage = await live.locator('input[data-bulk-id]').count()
    assert.equal(await live.textContent('[data-bulk-count]'), `(${onPage})`)
    await live.click('#bulk-kill > summary')
    await Promise.all([live.waitForURL(/\/executions\/bulk$/), live.click('button[value="kill"]')])
    assert.match((await live.textContent('h1')) ?? '', new RegExp(`Bulk kill: ${onPage} of ${onPage} killed`))
    // the rest by the filter, then every one of them deleted by the filter, once the list says so
    await open(live, '/?flowId=napper&status=delayed')
    await live.check('input[name="scope"][value="filter"]')
    await live.click('#bulk-kill > summary')
    await Promise.all([live.waitForURL(/\/executions\/bulk$/), live.click('button[value="kill"]')])
    await listedWhere(stack, 'flowId=napper&status=killed&limit=100', (items) => items.length === 30)
    await open(live, '/?flowId=napper')
    await live.check('input[name="scope"][value="filter"]')
    await live.click('#bulk-delete > summary')
    await Promise.all([live.waitForURL(/\/executions\/bulk$/), live.click('button[value="delete"]')])
    assert.match((await live.textContent('h1')) ?? '', /Bulk delete: 30 of 30 deleted/)
    await live.close()
  })

  it('refuses a bulk action with nothing ticked, and says so', async () => {
    const page = await stack.browser.newPage()
    await open(page, '/')
    await page.click('#bulk-delete > summary')
    const [response] = await Promise.all([
      page.waitForResponse(/\/executions\/bulk$/),
      page.click('button[value="delete"]'),
    ])
    assert.equal(response.status(), 400)
    assert.match((await page.textContent('main')) ?? '', /tick executions first/)
    await page.close()
  })
})

describe('search and counts on the list', () => {
  it('filters by error text, id prefix and trigger; a status total filters; times are relative, in the viewer’s zone on hover', async () => {
    await putFlow(stack, 'strike', failing('the courier is on strike'))
    await putFlow(stack, 'calm', { tasks: [{ id: 'ok', type: 'set', values: { a: 1 } }] })
    const [struck] = await many('strike', 1)
    const calm = await many('calm', 3)
    await listedWhere(stack, 'limit=100', (items) =>
      [struck, ...calm].every((id) =>
        items.some((item) => item.id === id && item.status !== 'running' && item.status !== 'pending'),
      ),
    )
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Tokyo' })
    await open(page, '/')
    await page.fill('input[name="error"]', 'COURIER IS ON')
    await Promise.all([page.waitForURL(/error=COURIER/), page.click('.filters button[type="submit"]')])
    assert.deepEqual(
      await page.$$eval('tr[data-execution]', (rows) => rows.map((row) => row.getAttribute('data-execution'))),
      [struck],
    )
    await open(page, `/?idPrefix=${calm[1]!.slice(0, 8)}`)
    assert.deepEqual(
      await page.$$eval('tr[data-execution]', (rows) => rows.map((row) => row.getAttribute('data-execution'))),
      [calm[1]],
    )
    await open(page, '/?trigger=schedule')
    assert.equal(await page.locator('tr[data-execution]').count(), 0)
    // the totals: a link per status, which filters the list
    await open(page, '/')
    await Promise.all([page.waitForURL(/status=failed/), page.click('a[data-total="failed"]')])
    const statuses = await page.$$eval('tr[data-execution] .badge', (badges) =>
      badges.map((badge) => badge.getAttribute('data-status')),
    )
    assert.ok(statuses.length > 0 && statuses.every((status) => status === 'failed'), statuses.join())
    assert.equal(await page.getAttribute('a[data-total="failed"]', 'aria-current'), 'true')
    // "… ago", with the time in Tokyo on hover; UTC on request
    const time = page.locator('tr[data-execution] time').first()
    assert.match((await time.textContent()) ?? '', /ago|just now/)
    assert.match((await time.getAttribute('title')) ?? '', /GMT\+9|JST/)
    await Promise.all([page.waitForURL(/utc=1/), page.click('a[data-utc-toggle]')])
    assert.match(
      (await page.locator('tr[data-execution] time').first().textContent()) ?? '',
      /^\d\d-\d\d \d\d:\d\d:\d\d$/,
    )
    await page.close()
  })
})

describe('permalinks', () => {
  it('#run-<id>-attempt-<n> opens the run on that attempt, and the banner and topology link there', async () => {
    await putFlow(stack, 'retried', {
      tasks: [
        { id: 'call', type: 'http', url: `${stack.target.url}/status/503`, retry: { maxAttempts: 3, delay: '10ms' } },
      ],
    })
    const [id] = await many('retried', 1)
    const detail = await waitFor(stack, id!)
    assert.equal(detail.status, 'failed')
    const run = (detail['taskRuns'] as { id: number }[])[0]!.id
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 800 } })
    await open(page, `/executions/${id}#run-${run}-attempt-2`)
    assert.equal(
      await page.locator(`details#run-${run}`).evaluate((details) => (details as HTMLDetailsElement).open),
      true,
    )
    const attempt = page.locator(`#run-${run}-attempt-2`)
    assert.ok(await attempt.isVisible())
    assert.match((await attempt.textContent()) ?? '', /^2/)
    assert.equal(await page.locator(`:target`).getAttribute('id'), `run-${run}-attempt-2`)
    // the banner names the last attempt; the topology's node links to the run
    assert.equal(await page.getAttribute('.error-banner a:has-text("attempt 3")', 'href'), `#run-${run}-attempt-3`)
    assert.equal(await page.getAttribute('svg.topology [data-task="call"] a', 'href'), `#run-${run}`)
    await page.close()
  })
})
