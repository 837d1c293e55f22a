/**
 * `npm run screenshots`: starts edgeflow, makes sample executions of every kind (completed, failed
 * with retries, delayed, waiting, killed, parallel, a foreach of 2,000 items, subflow) and writes a
 * PNG of every page, at 1280 and 375 px wide, to screenshots/ (git-ignored), for a person to look at.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../bench/stack.ts'
import { indexed, listedWhere, putFlows, trigger, waitFor } from './samples.ts'
import { startStack } from './stack.ts'

const out = path.join(ROOT, 'screenshots')
mkdirSync(out, { recursive: true })
const stack = await startStack()
try {
  await putFlows(stack)
  const completed = await trigger(stack, 'greet', { name: 'Ada' })
  const failed = await trigger(stack, 'flaky')
  const parallel = await trigger(stack, 'branches')
  const foreach = await trigger(stack, 'bulk', { n: 2000 })
  const killed = await trigger(stack, 'sleepy', { ms: 60_000 })
  const waiting = await trigger(stack, 'approval')
  for (let index = 0; index < 6; index++) await trigger(stack, 'ten')
  await waitFor(stack, killed, (e) => e.status === 'delayed')
  await (await stack.api('POST', `/api/executions/${killed}/kill`)).arrayBuffer()
  for (const id of [completed, failed, parallel, foreach, killed]) await waitFor(stack, id)
  await waitFor(stack, waiting, (e) => e.status === 'waiting')
  const delayed = await trigger(stack, 'sleepy', { ms: 30_000 })
  await waitFor(stack, delayed, (e) => e.status === 'delayed')
  const child = (await listedWhere(stack, `parentId=${parallel}`, (items) => items.length > 0))[0]?.id
  await indexed(stack, [completed, failed, parallel, foreach, killed])
  const pages: [string, string][] = [
    ['executions', '/'],
    ['execution-completed', `/executions/${completed}`],
    ['execution-failed-retries', `/executions/${failed}`],
    ['execution-delayed', `/executions/${delayed}`],
    ['execution-waiting', `/executions/${waiting}`],
    ['execution-killed', `/executions/${killed}`],
    ['execution-parallel', `/executions/${parallel}`],
    ['execution-foreach-2000', `/executions/${foreach}`],
    ['execution-subflow-child', `/executions/${child}`],
    ['flows', '/flows'],
    ['flow', '/flows/branches'],
  ]
  // small ones for the README: the top of a page, 1280 × 720
  const readme = await stack.browser.newPage({ viewport: { width: 1280, height: 720 } })
  for (const [name, route] of [
    ['readme-executions', '/'],
    ['readme-gantt', `/executions/${parallel}#gantt`],
    ['readme-topology', `/executions/${parallel}#topology`],
  ] as const) {
    await readme.goto(`${stack.url}${route}`)
    await readme.screenshot({ path: path.join(out, `${name}.png`) })
  }
  // the bulk bar: three rows ticked, Replay… open on what it does; then its results, one per execution
  // (the failed one is replayed, a completed one refused: it has no failed task to start from)
  await readme.goto(`${stack.url}/`)
  await readme.check(`input[data-bulk-id][value="${failed}"]`)
  for (const box of (await readme.locator('tr:has([data-status="completed"]) input[data-bulk-id]').all()).slice(0, 2))
    await box.check()
  await readme.click('#bulk-replay > summary')
  await readme.screenshot({ path: path.join(out, 'readme-bulk.png') })
  await Promise.all([readme.waitForURL(/\/executions\/bulk$/), readme.click('button[value="replay"]')])
  await readme.screenshot({ path: path.join(out, 'readme-bulk-results.png') })
  // where a large execution's Gantt summarises the task runs it does not draw
  await readme.goto(`${stack.url}/executions/${foreach}`)
  await readme.locator('.summary-box').scrollIntoViewIfNeeded()
  await readme.screenshot({ path: path.join(out, 'foreach-2000-summary.png') })
  // the logs of the retried execution: searched, grouped by run and attempt, the download beside
  await readme.goto(`${stack.url}/executions/${failed}?logLevel=debug#logs`)
  await readme.screenshot({ path: path.join(out, 'readme-logs.png') })
  await readme.close()
  // dark mode (the system's choice) and the flow editor showing a problem at its line
  for (const scheme of ['light', 'dark'] as const) {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: scheme })
    await page.goto(`${stack.url}/executions/${failed}`)
    await page.screenshot({ path: path.join(out, `${scheme}-execution-failed.png`) })
    await page.goto(`${stack.url}/executions/${parallel}#gantt`)
    await page.screenshot({ path: path.join(out, `${scheme}-gantt.png`) })
    await page.goto(`${stack.url}/flows/flaky/edit`)
    const editor = page.locator('textarea[data-editor]')
    await editor.fill((await editor.inputValue()).replace('type: set', 'type: teleport'))
    await page.waitForSelector('.gutter li.bad')
    await page.screenshot({ path: path.join(out, `${scheme}-editor-invalid.png`), fullPage: true })
    await editor.fill(
      (await editor.inputValue()).replace('type: teleport', 'type: set').replace('tries: 3', 'tries: 5'),
    )
    await page.waitForSelector('[data-region=review] .diff')
    await page.screenshot({ path: path.join(out, `${scheme}-editor-diff.png`), fullPage: true })
    await page.close()
  }
  // the top of an execution on a phone
  const phone = await stack.browser.newPage({ viewport: { width: 375, height: 812 } })
  await phone.goto(`${stack.url}/executions/${failed}`)
  await phone.screenshot({ path: path.join(out, 'phone-execution-top.png') })
  await phone.goto(`${stack.url}/executions/${failed}#gantt`)
  await phone.screenshot({ path: path.join(out, 'phone-execution-gantt.png') })
  await phone.close()
  for (const width of [1280, 375]) {
    const page = await stack.browser.newPage({ viewport: { width, height: 900 } })
    for (const [name, route] of pages) {
      await page.goto(`${stack.url}${route}`)
      const file = path.join(out, `${name}-${width}.png`)
      await page.screenshot({ path: file, fullPage: true })
      console.log(file)
    }
    await page.close()
  }
} finally {
  await stack.stop()
}
