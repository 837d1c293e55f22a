/**
 * `npm run test:browser`: the dashboard in headless Chromium against `wrangler dev` (open API).
 * Filters, a failed execution's attempts, a delayed one going live to completed, nesting and
 * links, Kill and Replay from the page, and the narrow layout.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { execution, indexed, putFlow, putFlows, trigger, waitFor } from '../samples.ts'
import { type Stack, startStack } from '../stack.ts'

let stack: Stack
let page: Page

before(async () => {
  stack = await startStack()
  await putFlows(stack)
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } })
})

after(async () => {
  await stack?.stop()
})

const open = async (path: string) => {
  const response = await page.goto(`${stack.url}${path}`)
  assert.equal(response?.status(), 200, `GET ${path}`)
}

/** The ids in the executions table, top to bottom. */
const listed = () => page.$$eval('tr[data-execution]', (rows) => rows.map((row) => row.getAttribute('data-execution')))

describe('the executions list', () => {
  it('filters by flow, status and time, and pages with the cursor', async () => {
    const greetings = [await trigger(stack, 'greet'), await trigger(stack, 'greet')]
    const failed = await trigger(stack, 'flaky')
    await waitFor(stack, failed)
    await indexed(stack, [...greetings, failed])
    await open('/')
    const all = await listed()
    for (const id of [...greetings, failed]) assert.ok(all.includes(id), `${id} listed`)
    await page.selectOption('select[name=flowId]', 'greet')
    await Promise.all([page.waitForURL(/flowId=greet/), page.click('form.filters button[type=submit]')])
    const greetOnly = await listed()
    assert.ok(greetings.every((id) => greetOnly.includes(id)))
    assert.ok(!greetOnly.includes(failed))
    await page.selectOption('select[name=flowId]', '')
    await page.selectOption('select[name=status]', 'failed')
    await Promise.all([page.waitForURL(/status=failed/), page.click('form.filters button[type=submit]')])
    assert.deepEqual(await listed(), [failed])
    assert.match((await page.textContent('tr[data-execution] .badge')) ?? '', /failed/)
    await page.selectOption('select[name=status]', '')
    await page.selectOption('select[name=range]', '15m')
    await Promise.all([page.waitForURL(/range=15m/), page.click('form.filters button[type=submit]')])
    assert.ok((await listed()).includes(failed))
    await open(`/?until=${encodeURIComponent('2000-01-01T00:00')}`)
    assert.deepEqual(await listed(), [])
    // the chart counts them in words too
    await open('/')
    assert.match((await page.textContent('.legend')) ?? '', /failed: [1-9]/)
    // a page of 25 and an older page after it
    const tens: string[] = []
    for (let index = 0; index < 24; index++) tens.push(await trigger(stack, 'ten'))
    await indexed(stack, tens)
    await open('/')
    assert.equal((await listed()).length, 25)
    const first = await listed()
    await Promise.all([page.waitForURL(/cursor=/), page.click('a[rel=next]')])
    const second = await listed()
    assert.ok(second.length > 0 && second.every((id) => !first.includes(id)))
  })
})

describe('an execution that failed after retries', () => {
  it('shows its error and every attempt on the Gantt, the error on focus', async () => {
    const id = await trigger(stack, 'flaky')
    await waitFor(stack, id)
    await open(`/executions/${id}`)
    assert.match((await page.textContent('[data-region=facts] .badge')) ?? '', /failed/)
    assert.match((await page.textContent('[data-region=io]')) ?? '', /http_error in fetch \(attempt 3\)/)
    const fetchRow = page.locator('.gantt-row', { hasText: 'fetch' })
    assert.equal(await fetchRow.locator('.seg-attempt').count(), 3)
    assert.equal(await fetchRow.locator('.seg-backoff').count(), 2)
    assert.equal(await fetchRow.locator('.seg-attempt.st-failed').count(), 3)
    assert.match((await fetchRow.locator('.gantt-status').textContent()) ?? '', /failed ×3/)
    // keyboard: tab to the first failed attempt; its error shows
    await page.focus('.gantt-row .seg.st-failed[tabindex="0"]')
    await page.waitForSelector('#tip:not([hidden])')
    assert.match((await page.textContent('#tip')) ?? '', /http_error: .*503/)
    // hover shows it too
    await page.mouse.move(0, 0)
    await fetchRow.locator('.seg-attempt').nth(1).hover()
    assert.match((await page.textContent('#tip')) ?? '', /attempt 2 failed/)
    // the topology says it in words
    assert.match((await page.textContent('.node[data-task=fetch]')) ?? '', /failed/)
    assert.match((await page.textContent('.node[data-task=after]')) ?? '', /not run/)
  })
})

describe('a delayed execution', () => {
  it('goes live to completed without a reload, within about a second', async () => {
    const id = await trigger(stack, 'sleepy', { ms: 2000 })
    await waitFor(stack, id, (e) => e.status === 'delayed')
    await open(`/executions/${id}`)
    assert.match((await page.textContent('[data-region=facts] .badge')) ?? '', /delayed/)
    await page.evaluate(() => {
      ;(window as unknown as { marker: string }).marker = 'same page'
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-region=facts] [data-status=completed]')) {
          ;(window as unknown as { completedAt: number }).completedAt = Date.now()
          observer.disconnect()
        }
      })
      observer.observe(document.body, { subtree: true, childList: true })
    })
    await page.waitForSelector('[data-region=facts] [data-status=completed]', { timeout: 10_000 })
    const seen = await page.evaluate(() => (window as unknown as { completedAt: number }).completedAt)
    assert.equal(await page.evaluate(() => (window as unknown as { marker: string }).marker), 'same page')
    const ended = Date.parse((await execution(stack, id)).endedAt as string)
    const delay = seen - ended
    console.log(`live-update delay: ${delay} ms (poll every 500 ms)`)
    assert.ok(delay < 2000, `shown ${delay} ms after it ended`)
    assert.match((await page.textContent('.gantt-row:has-text("nap")')) ?? '', /completed/)
    assert.equal(await page.locator('.gantt-row', { hasText: 'nap' }).locator('.seg-delay').count(), 1)
    assert.match((await page.textContent('[data-live-note]')) ?? '', /final/)
  })
})

describe('a parallel, foreach and subflow execution', () => {
  it('nests branches and iterations under their parents and links the child execution', async () => {
    const id = await trigger(stack, 'branches')
    const done = await waitFor(stack, id)
    assert.equal(done.status, 'completed')
    await open(`/executions/${id}`)
    const labels = await page.$$eval('.gantt-row .gantt-label', (texts) => texts.map((text) => text.textContent ?? ''))
    const index = (pattern: RegExp) => labels.findIndex((label) => pattern.test(label))
    assert.ok(index(/fan$/) < index(/slow \(branch 1\)/))
    assert.ok(index(/slow \(branch 1\)/) < index(/each \(branch 2\)/))
    assert.ok(index(/each \(branch 2\)/) < index(/square \[0\]/))
    assert.ok(index(/square \[2\]/) < index(/child \(branch 3\)/))
    // indentation grows with depth
    const x = (pattern: RegExp) => page.locator('.gantt-label', { hasText: pattern }).first().getAttribute('x')
    assert.ok(Number(await x(/fan/)) < Number(await x(/each/)))
    assert.ok(Number(await x(/each/)) < Number(await x(/square \[0\]/)))
    // the skipped branches are shown as such on the topology
    assert.match((await page.textContent('.topology')) ?? '', /case a — skipped/)
    assert.match((await page.textContent('.topology')) ?? '', /then — skipped/)
    // the subflow row links to the child, whose page links back
    const link = page.locator('.gantt a[href^="/executions/"]')
    const href = await link.getAttribute('href')
    await Promise.all([page.waitForURL(`**${href}`), link.click()])
    assert.match((await page.textContent('[data-region=facts]')) ?? '', new RegExp(`Parent\\s*${id}`))
    assert.match((await page.textContent('[data-region=facts] .badge')) ?? '', /completed/)
  })
})

describe('operating from the page', () => {
  it('kills a running execution from the keyboard: the page turns killed without a reload', async () => {
    const id = await trigger(stack, 'sleepy', { ms: 60_000 })
    await waitFor(stack, id, (e) => e.status === 'delayed')
    await open(`/executions/${id}`)
    assert.equal(await page.locator('form[action$="/replay"]').count(), 0)
    // by keyboard: Tab to Kill…, Enter opens it, Tab to the button that kills, Enter
    const tabTo = async (text: string) => {
      let presses = 0
      while ((await page.evaluate(() => document.activeElement?.textContent?.trim())) !== text) {
        assert.ok(++presses < 30, `${text} is reachable with Tab`)
        await page.keyboard.press('Tab')
      }
      await page.keyboard.press('Enter')
    }
    await tabTo('Kill…')
    await tabTo('Kill the execution')
    await page.waitForSelector('[data-region=facts] [data-status=killed]', { timeout: 10_000 })
    assert.equal((await execution(stack, id)).status, 'killed')
    // only what a killed execution accepts is offered now
    await page.waitForSelector('form[action$="/replay"]')
    assert.equal(await page.locator('summary:has-text("Kill")').count(), 0)
  })

  it('shows a refusal as the API’s error', async () => {
    const id = await trigger(stack, 'approval')
    await waitFor(stack, id, (e) => e.status === 'waiting')
    await open(`/executions/${id}`)
    await page.fill('form[action$="/event"] input[name=name]', 'nobody-waits-for-this')
    await page.click('button:has-text("Deliver event")')
    await page.waitForSelector('form[action$="/event"] .result.error')
    assert.match((await page.textContent('form[action$="/event"] .result')) ?? '', /409 conflict/)
    await page.fill('form[action$="/event"] input[name=name]', 'approved')
    await page.click('button:has-text("Deliver event")')
    await page.waitForSelector('[data-region=facts] [data-status=completed]', { timeout: 10_000 })
  })

  it('replays a failed execution from the failed task on a new revision and lands on the new execution', async () => {
    await putFlow(stack, 'orders', {
      tasks: [
        { id: 'fetch', type: 'http', url: `${stack.target.url}/echo` },
        { id: 'compute', type: 'set', values: { total: '{{ $number("not a number") }}' } },
      ],
    })
    const id = await trigger(stack, 'orders')
    assert.equal((await waitFor(stack, id)).status, 'failed')
    await putFlow(stack, 'orders', {
      tasks: [
        { id: 'fetch', type: 'http', url: `${stack.target.url}/echo` },
        { id: 'compute', type: 'set', values: { total: 42 } },
      ],
    })
    await open(`/executions/${id}`)
    assert.equal(await page.inputValue('form[action$="/replay"] select[name=fromTaskId]'), 'compute')
    // no number: the latest revision when Replay is pressed
    assert.equal(await page.inputValue('form[action$="/replay"] select[name=revision]'), '')
    await Promise.all([
      page.waitForURL((url) => url.pathname.startsWith('/executions/') && !url.pathname.endsWith(id)),
      page.click('button:has-text("Replay")'),
    ])
    const replayId = new URL(page.url()).pathname.split('/').pop() as string
    await page.waitForSelector('[data-region=facts] [data-status=completed]', { timeout: 10_000 })
    const replayed = await execution(stack, replayId)
    assert.equal(replayed.status, 'completed')
    assert.equal(replayed['replayOf'], id)
    assert.match((await page.textContent('[data-region=facts]')) ?? '', new RegExp(`Replay of\\s*${id}`))
  })
})

describe('the flows pages', () => {
  it('list the flows, show a definition and a diff, execute a sync and an async flow, disable and enable', async () => {
    await open('/flows')
    const row = page.locator('tr[data-flow=greet]')
    assert.match((await row.textContent()) ?? '', /enabled.*sync.*POST http:\/\/127\.0\.0\.1:\d+\/hooks\/greet/s)
    await putFlow(stack, 'orders2', { tasks: [{ id: 'one', type: 'set', values: { a: 1 } }] })
    await putFlow(stack, 'orders2', { tasks: [{ id: 'one', type: 'set', values: { a: 2 } }] })
    await open('/flows/orders2')
    assert.match((await page.textContent('#diff')) ?? '', /Revision 1 → 2: 2 changed line\(s\)/)
    assert.match((await page.textContent('#diff .removed')) ?? '', /a: 1/)
    assert.match((await page.textContent('#diff .added')) ?? '', /a: 2/)
    // an async flow: a link to the execution
    await page.click('button:has-text("Execute")')
    await page.waitForSelector('form[action$="/execute"] .result a')
    assert.match((await page.textContent('form[action$="/execute"] .result')) ?? '', /started \(202\)/)
    // a sync flow: what it answered
    await open('/flows/greet')
    await page.fill('form[action$="/execute"] textarea[name=body]', '{"name": "Ada"}')
    await page.click('button:has-text("Execute")')
    await page.waitForSelector('form[action$="/execute"] .result pre')
    assert.match((await page.textContent('form[action$="/execute"] .result')) ?? '', /answered 200.*Hello, Ada!/s)
    // bad JSON is refused before it reaches the flow
    await page.fill('form[action$="/execute"] textarea[name=body]', '{oops')
    await page.click('button:has-text("Execute")')
    await page.waitForSelector('form[action$="/execute"] .result.error')
    await page.click('summary:has-text("Disable…")')
    await page.click('button:has-text("Disable the flow")')
    await page.waitForSelector('button:has-text("Enable")')
    assert.equal((await (await stack.api('GET', '/api/flows/greet')).json()).enabled, false)
    await page.click('button:has-text("Enable")')
    await page.waitForSelector('summary:has-text("Disable…")')
    const flow = await (await stack.api('GET', '/api/flows/greet')).json()
    assert.equal(flow.enabled, true)
    assert.equal(flow.revision, 1)
  })
})

describe('at 375 px', () => {
  it('the list and an execution fit the width (charts scroll inside their box)', async () => {
    const narrow = await stack.browser.newPage({ viewport: { width: 375, height: 800 } })
    const id = await trigger(stack, 'branches')
    await waitFor(stack, id)
    for (const path of ['/', `/executions/${id}`, '/flows', '/flows/branches']) {
      await narrow.goto(`${stack.url}${path}`)
      const width = await narrow.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= 376, `${path} is ${width} px wide`)
    }
    await narrow.close()
  })
})
