/**
 * `npm run test:browser`: what issue 23 asks beside the pages — dark mode following the system,
 * Copy on JSON blocks, the keyboard shortcuts (`/`, `g e`, `g f`), and every Gantt segment a tab
 * stop with a focus style.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { putFlow, trigger, waitFor } from '../samples.ts'
import { type Stack, startStack } from '../stack.ts'

let stack: Stack

before(async () => {
  stack = await startStack()
})

after(async () => {
  await stack?.stop()
})

/** The computed background of `selector`'s element. */
const background = (page: import('playwright-core').Page, selector: string) =>
  page.$eval(selector, (element) => getComputedStyle(element).backgroundColor)

describe('the page conveniences', () => {
  it('follows the system to dark mode and back', async () => {
    const page = await stack.browser.newPage({ colorScheme: 'dark' })
    await page.goto(`${stack.url}/flows`)
    assert.equal(await background(page, 'body'), 'rgb(13, 17, 23)')
    assert.equal(await page.$eval('body', (body) => getComputedStyle(body).color), 'rgb(230, 237, 243)')
    await page.emulateMedia({ colorScheme: 'light' })
    assert.equal(await background(page, 'body'), 'rgb(255, 255, 255)')
    await page.close()
  })

  it('copies a JSON block, and every Gantt segment takes the focus with a visible style', async () => {
    await putFlow(stack, 'copied', {
      tasks: [
        { id: 'first', type: 'set', values: { answer: 42 } },
        { id: 'second', type: 'set', values: { again: true } },
      ],
    })
    const id = await trigger(stack, 'copied', { hello: 'clipboard' })
    await waitFor(stack, id)
    const context = await stack.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] })
    const page = await context.newPage()
    await page.goto(`${stack.url}/executions/${id}`)
    const segments = page.locator('.gantt .seg')
    assert.ok((await segments.count()) >= 2)
    assert.equal(await page.locator('.gantt .seg:not([tabindex="0"])').count(), 0, 'every segment is a tab stop')
    // Tab reaches a segment; its focus style is the thick focus stroke
    for (let presses = 0; presses < 100; presses++) {
      if (await page.evaluate(() => document.activeElement?.matches('.gantt .seg') ?? false)) break
      await page.keyboard.press('Tab')
    }
    const focused = page.locator('.gantt .seg:focus')
    assert.equal(await focused.count(), 1)
    assert.equal(await focused.locator('rect').evaluate((rect) => getComputedStyle(rect).strokeWidth), '3px')
    await page.waitForSelector('#tip:not([hidden])')
    // Copy before the input's JSON block puts the block's text on the clipboard
    const block = page.locator('pre[data-copy]', { hasText: 'clipboard' }).first()
    await page.locator('xpath=//pre[@data-copy][contains(., "clipboard")]/preceding-sibling::button[1]').first().click()
    await page.waitForSelector('button.copy:text("Copied")')
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await block.textContent())
    await context.close()
  })

  it('focuses the search with / and goes to the executions with g e, to the flows with g f', async () => {
    const page = await stack.browser.newPage()
    await page.goto(`${stack.url}/flows`)
    await page.keyboard.press('g')
    await page.keyboard.press('e')
    await page.waitForURL(`${stack.url}/`)
    await page.keyboard.press('/')
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'INPUT')
    // typed into the field, `g f` is text, not a shortcut
    await page.keyboard.type('gf')
    assert.equal(new URL(page.url()).pathname, '/')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('g')
    await page.keyboard.press('f')
    await page.waitForURL(`${stack.url}/flows`)
    await page.close()
  })
})
