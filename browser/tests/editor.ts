/**
 * `npm run test:browser`: the flow editor — a change checked as it is typed, its diff against the
 * latest revision, saved as a new revision; an invalid text refused with its problem at its line,
 * with the script and without — and the Execute form generated from the flow's input schema.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { putFlow, waitFor } from '../samples.ts'
import { type Stack, startStack } from '../stack.ts'

let stack: Stack

before(async () => {
  stack = await startStack()
})

after(async () => {
  await stack?.stop()
})

const revisionOf = async (id: string) =>
  ((await (await stack.api('GET', `/api/flows/${id}`)).json()) as { revision: number }).revision

const TWO_TASKS = {
  tasks: [
    { id: 'greet', type: 'log', message: 'hello' },
    { id: 'done', type: 'set', values: { ok: true } },
  ],
}

describe('the flow editor', () => {
  it('checks a change as it is typed, shows its diff, and saves it as a new revision', async () => {
    await putFlow(stack, 'edited', TWO_TASKS)
    const page = await stack.browser.newPage()
    await page.goto(`${stack.url}/flows/edited`)
    await page.click('a[href="/flows/edited/edit"]')
    const editor = page.locator('textarea[data-editor]')
    const text = await editor.inputValue()
    assert.match(text, /message: hello/)
    await editor.fill(text.replace('message: hello', 'message: hello from the editor'))
    await page.waitForSelector('[data-region=review] button[value=save]:not([disabled])')
    assert.match((await page.textContent('[data-region=check]')) ?? '', /Valid/)
    const diff = (await page.textContent('[data-region=review] .diff')) ?? ''
    assert.match(diff, /− +message: hello\n?/)
    assert.match(diff, /\+ +message: hello from the editor/)
    assert.equal(await revisionOf('edited'), 1, 'nothing is stored before Save')
    await Promise.all([page.waitForURL(/\/flows\/edited\?saved=2/), page.click('button[value=save]')])
    assert.match((await page.textContent('main')) ?? '', /Saved as revision 2/)
    assert.equal(await revisionOf('edited'), 2)
    const stored = (await (await stack.api('GET', '/api/flows/edited/revisions/2')).json()) as {
      definition: { tasks: { message?: string }[] }
    }
    assert.equal(stored.definition.tasks[0]?.message, 'hello from the editor')
    await page.close()
  })

  it('refuses an invalid text and shows the problem at its line', async () => {
    await putFlow(stack, 'guarded', TWO_TASKS)
    const page = await stack.browser.newPage()
    await page.goto(`${stack.url}/flows/guarded/edit`)
    const editor = page.locator('textarea[data-editor]')
    const lines = (await editor.inputValue()).split('\n')
    const line = lines.findIndex((each) => each.includes('type: set')) + 1
    await editor.fill(
      lines.map((each, index) => (index + 1 === line ? each.replace('set', 'teleport') : each)).join('\n'),
    )
    await page.waitForSelector('.gutter li.bad')
    const marked = await page.$$eval('.gutter li', (items) =>
      items.flatMap((item, index) => (item.classList.contains('bad') ? [index + 1] : [])),
    )
    assert.deepEqual(marked, [line])
    const problem = (await page.textContent('[data-region=check]')) ?? ''
    assert.match(problem, new RegExp(`line ${line}, column \\d+: tasks\\.1\\.type: .*teleport`))
    assert.equal(await page.locator('button[value=save]').count(), 0, 'no Save for an invalid text')
    // a click on the problem selects its line in the text
    await page.click('[data-issue-line]')
    const selected = await editor.evaluate((area) => {
      const box = area as HTMLTextAreaElement
      return box.value.slice(box.selectionStart, box.selectionEnd)
    })
    assert.match(selected, /type: teleport/)
    await page.close()
  })

  it('without JavaScript: Review shows the problem at its line, Save refuses it with 400, a valid text saves', async () => {
    await putFlow(stack, 'plain', TWO_TASKS)
    const context = await stack.browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`${stack.url}/flows/plain/edit?format=json`)
    const editor = page.locator('textarea[data-editor]')
    const json = await editor.inputValue()
    assert.match(json, /"tasks": \[/)
    const broken = json.replace('"set"', '"teleport"')
    const line = broken.split('\n').findIndex((each) => each.includes('teleport')) + 1
    await editor.fill(broken)
    const review = await Promise.all([page.waitForNavigation(), page.click('button[value=review]')])
    assert.equal(review[0]?.status(), 400)
    assert.equal(await page.locator(`.gutter li:nth-child(${line}).bad`).count(), 1)
    assert.match((await page.textContent('[data-region=check]')) ?? '', new RegExp(`line ${line}`))
    // a Save of the invalid text, posted as a form would be, is refused and stores nothing
    const refused = await page.request.post(`${stack.url}/flows/plain/edit`, {
      form: { format: 'json', source: broken, intent: 'save', reviewed: 'anything' },
      headers: { origin: stack.url },
    })
    assert.equal(refused.status(), 400)
    assert.equal(await revisionOf('plain'), 1)
    // fixed, reviewed, saved
    await editor.fill(json.replace('"hello"', '"hello, plainly"'))
    await Promise.all([page.waitForNavigation(), page.click('button[value=review]')])
    assert.match((await page.textContent('[data-region=review] .diff')) ?? '', /\+ +message: hello, plainly/)
    await Promise.all([page.waitForURL(/saved=2/), page.click('button[value=save]')])
    assert.equal(await revisionOf('plain'), 2)
    await context.close()
  })
})

describe('the Execute form', () => {
  it("is made of the flow's input schema: a typed field per property, the required ones required", async () => {
    await putFlow(stack, 'typed', {
      input: {
        type: 'object',
        required: ['name', 'count'],
        properties: {
          name: { type: 'string', description: 'who to greet' },
          count: { type: 'integer' },
          ratio: { type: 'number' },
          loud: { type: 'boolean' },
          mood: { enum: ['calm', 'cheerful'] },
          extra: { type: 'object' },
        },
      },
      tasks: [{ id: 'keep', type: 'set', values: { seen: '{{ input.body }}' } }],
    })
    const page = await stack.browser.newPage()
    await page.goto(`${stack.url}/flows/typed`)
    const field = (name: string) => page.locator(`[data-field=${name}] :is(input, select, textarea)`)
    assert.equal(await field('name').getAttribute('type'), 'text')
    assert.equal(await field('name').getAttribute('required'), '')
    assert.equal(await field('count').getAttribute('type'), 'number')
    assert.equal(await field('count').getAttribute('step'), '1')
    assert.equal(await field('count').getAttribute('required'), '')
    assert.equal(await field('ratio').getAttribute('required'), null)
    assert.equal(await field('loud').getAttribute('type'), 'checkbox')
    assert.deepEqual(await field('mood').locator('option').allTextContents(), ['—', 'calm', 'cheerful'])
    assert.equal(await field('extra').evaluate((element) => element.tagName), 'TEXTAREA')
    assert.match((await page.textContent('[data-field=name]')) ?? '', /who to greet/)
    await field('name').fill('Ada')
    await field('count').fill('3')
    await field('ratio').fill('0.5')
    await field('loud').check()
    await field('mood').selectOption('cheerful')
    await field('extra').fill('{"tags": ["a"]}')
    await page.click('form[aria-label=Execute] button[type=submit]')
    const link = page.locator('form[aria-label=Execute] .result a[href^="/executions/"]')
    await link.waitFor()
    const id = ((await link.getAttribute('href')) ?? '').split('/').at(-1) ?? ''
    const done = await waitFor(stack, id)
    assert.deepEqual((done['input'] as { body: unknown }).body, {
      name: 'Ada',
      count: 3,
      ratio: 0.5,
      loud: true,
      mood: 'cheerful',
      extra: { tags: ['a'] },
    })
    await page.close()
  })
})
