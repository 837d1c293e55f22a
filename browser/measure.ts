/**
 * `npm run measure:dashboard`: how long the server takes to answer the execution page (10 tasks,
 * and a foreach of 10,000 items: 10,001 task runs), how heavy the pages are, and how long the
 * page takes to show a change (a delay ending) without a reload; and issue 23's four figures: clicks
 * to the newest failure's error, where a failed 10-task execution's error ends and how tall its page
 * is, bytes per live poll during a 300-item foreach, the delay of a live change. Timed from Node on 127.0.0.1
 * against `wrangler dev`, so each figure includes the local HTTP round trip.
 */
import { gzipSync } from 'node:zlib'
import { watchPollBodies } from './poll-bodies.ts'
import { listedWhere, putFlow, putFlows, trigger, waitFor } from './samples.ts'
import { startStack } from './stack.ts'

const ROUNDS = 15

const stack = await startStack()
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1] as number

async function time(path: string): Promise<{ ms: number[]; bytes: number; gzip: number }> {
  const ms: number[] = []
  let body = ''
  for (let round = 0; round < ROUNDS + 2; round++) {
    const started = performance.now()
    const response = await fetch(`${stack.url}${path}`)
    body = await response.text()
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`)
    if (round >= 2) ms.push(performance.now() - started)
  }
  return { ms, bytes: Buffer.byteLength(body), gzip: gzipSync(body).length }
}

try {
  await putFlows(stack, ['ten', 'bulk', 'sleepy', 'branches', 'greet'])
  const ten = await trigger(stack, 'ten')
  const bulk = await trigger(stack, 'bulk', { n: 10_000 })
  const branches = await trigger(stack, 'branches')
  await waitFor(stack, ten)
  await waitFor(stack, branches)
  const large = await waitFor(stack, bulk, undefined, 180_000)
  console.log(`foreach: ${large.taskRunCount} task runs, ${large.status}`)
  const rows: [string, string][] = [
    ['reference: GET /api/executions/:id, 10 tasks', `/api/executions/${ten}`],
    ['reference: GET /api/executions/:id, 10,001 task runs (first 500)', `/api/executions/${bulk}`],
    ['execution page, 10 tasks', `/executions/${ten}`],
    ['execution page, 10,001 task runs (first 250 drawn)', `/executions/${bulk}`],
    ['execution page, 10,001 task runs, page 20', `/executions/${bulk}?runs=9750`],
    ['execution page, parallel + foreach + subflow', `/executions/${branches}`],
    ['live poll, 10 tasks (200, no ETag)', `/executions/${ten}?fragment=1`],
    ['executions list', '/'],
    ['flows list', '/flows'],
    ['flow page', '/flows/branches'],
    ['stylesheet', '/assets/dashboard.css'],
    ['script', '/assets/dashboard.js'],
  ]
  console.log('| page | p50 ms | p95 ms | bytes | gzip bytes |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const [name, path] of rows) {
    const result = await time(path)
    console.log(
      `| ${name} | ${median(result.ms).toFixed(1)} | ${p95(result.ms).toFixed(1)} | ${result.bytes.toLocaleString('en-US')} | ${result.gzip.toLocaleString('en-US')} |`,
    )
  }
  // the live-update delay: a delay ends; when does the open page show it?
  const page = await stack.browser.newPage()
  const delays: number[] = []
  for (let round = 0; round < 5; round++) {
    const id = await trigger(stack, 'sleepy', { ms: 1500 })
    await waitFor(stack, id, (e) => e.status === 'delayed')
    await page.goto(`${stack.url}/executions/${id}`)
    await page.evaluate(() => {
      const observer = new MutationObserver(() => {
        if (!document.querySelector('[data-region=facts] [data-status=completed]')) return
        document.documentElement.dataset['shownAt'] = String(Date.now())
        observer.disconnect()
      })
      observer.observe(document.body, { subtree: true, childList: true })
    })
    await page.waitForSelector('html[data-shown-at]', { timeout: 15_000 })
    const shown = Number(await page.getAttribute('html', 'data-shown-at'))
    const ended = Date.parse((await waitFor(stack, id)).endedAt as string)
    delays.push(shown - ended)
  }
  console.log(
    `live-update delay (5 delays ending on an open page, 500 ms polls): ${delays.join(', ')} ms; median ${median(delays)} ms`,
  )
  // the error first: a failed 10-task execution at 1280×800, where its error ends and how tall the page is
  await putFlow(stack, 'failedTen', {
    tasks: [
      ...Array.from({ length: 9 }, (_, index) => ({ id: `step${index + 1}`, type: 'set', values: { v: index } })),
      { id: 'last', type: 'fail', message: 'the tenth task fails' },
    ],
  })
  const failed = await trigger(stack, 'failedTen')
  await waitFor(stack, failed)
  const desk = await stack.browser.newPage({ viewport: { width: 1280, height: 800 } })
  // clicks to find why the newest failed execution failed, as an operator does it: from the list
  // (newest first) at 1280×800, the first failed row's link if it is in view, else the "failed"
  // total first; then the error must be in view on the execution's page, nothing scrolled
  await listedWhere(stack, 'status=failed&limit=1', (items) => items[0]?.id === failed)
  await desk.goto(`${stack.url}/`)
  let clicks = 0
  const firstFailed = desk.locator('tr[data-execution]:has([data-status=failed]) a[href^="/executions/"]').first()
  const inView = async () => {
    const box = await firstFailed.boundingBox()
    return box !== null && box.y + box.height <= 800
  }
  if (!(await firstFailed.isVisible()) || !(await inView())) {
    await desk.click('a[href*="status=failed"]')
    clicks++
  }
  const opened = await firstFailed.getAttribute('href')
  await firstFailed.click()
  clicks++
  await desk.waitForSelector('.error-banner')
  const banner = await desk.locator('.error-banner').boundingBox()
  const scrolled = await desk.evaluate(() => window.scrollY)
  const errorEnd = Math.round((banner?.y ?? 0) + (banner?.height ?? 0))
  const seen = opened === `/executions/${failed}` && scrolled === 0 && errorEnd <= 800
  const height = await desk.evaluate(() => document.documentElement.scrollHeight)
  console.log(
    `clicks to find why the newest failed execution failed, from the list at 1280×800: ${clicks} (${seen ? 'its error in view, no scrolling' : `NOT seen: opened ${opened}, scrolled ${scrolled} px, error ends at ${errorEnd} px`})`,
  )
  console.log(
    `failed 10-task execution at 1280×800: the error ends at ${errorEnd} px (fold: 800, above it: ${errorEnd <= 800 ? 'yes' : 'no'}); page height ${height} px`,
  )
  // bytes per live poll while a 300-item foreach runs (the first poll carries every region)
  await putFlows(stack, ['long'])
  const long = await trigger(stack, 'long')
  const stop = watchPollBodies(desk)
  await desk.goto(`${stack.url}/executions/${long}`)
  await desk.waitForSelector('[data-region=facts] [data-status=completed]', { timeout: 120_000 })
  const { sizes, unread } = await stop()
  console.log(
    `300-item foreach, live: ${sizes.length} polls answered 200 (${unread} unreadable); bytes per poll: first ${sizes[0]}, median ${median(sizes)}, max ${Math.max(...sizes)}`,
  )
} finally {
  await stack.stop()
}
