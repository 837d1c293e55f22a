/** `npm run test:browser`: with an API token set, the dashboard asks for it and refuses cross-origin posts. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { putFlows, trigger, waitFor } from '../samples.ts'
import { type Stack, startStack } from '../stack.ts'

const TOKEN = 'browser-test-token-0123456789'
let stack: Stack

before(async () => {
  stack = await startStack({ token: TOKEN })
  await putFlows(stack, ['sleepy'])
})

after(async () => {
  await stack?.stop()
})

describe('with an API token', () => {
  it('requires signing in, keeps the token out of pages and URLs, refuses cross-origin posts, and signs out', async () => {
    const context = await stack.browser.newContext()
    const page = await context.newPage()
    const id = await trigger(stack, 'sleepy', { ms: 60_000 })
    await waitFor(stack, id, (e) => e.status === 'delayed')
    await page.goto(`${stack.url}/executions/${id}`)
    assert.match(page.url(), /\/login\?next=/)
    await page.fill('input[name=token]', 'wrong')
    await page.click('button:has-text("Sign in")')
    assert.match((await page.textContent('[role=alert]')) ?? '', /not valid/)
    await page.fill('input[name=token]', TOKEN)
    await Promise.all([page.waitForURL(`**/executions/${id}`), page.click('button:has-text("Sign in")')])
    assert.match((await page.textContent('[data-region=facts] .badge')) ?? '', /delayed/)
    assert.ok(!(await page.content()).includes(TOKEN), 'the token is not in the page')
    assert.ok(!page.url().includes(TOKEN))
    const [cookie] = await context.cookies()
    assert.ok(cookie, 'a session cookie')
    assert.equal(cookie.name, '__Host-edgeflow-session')
    assert.ok(cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict')
    assert.ok(!cookie.value.includes(TOKEN))
    // a cross-origin POST with the session is refused and changes nothing
    const forged = await fetch(`${stack.url}/executions/${id}/kill`, {
      method: 'POST',
      headers: { cookie: `${cookie.name}=${cookie.value}`, origin: 'http://evil.example' },
      redirect: 'manual',
    })
    assert.equal(forged.status, 403)
    assert.match(
      ((await stack.api('GET', `/api/executions/${id}`).then((r) => r.json())) as { status: string }).status,
      /delayed/,
    )
    // without a session, an operation is refused
    const anonymous = await fetch(`${stack.url}/executions/${id}/kill`, {
      method: 'POST',
      headers: { origin: stack.url },
      redirect: 'manual',
    })
    assert.equal(anonymous.status, 401)
    // the same operation from the page works
    // Kill asks first: its disclosure opens on the button that acts
    await page.click('summary:has-text("Kill…")')
    await page.click('button:has-text("Kill the execution")')
    await page.waitForSelector('[data-region=facts] [data-status=killed]', { timeout: 10_000 })
    // a copy of the cookie opens the page while the session lasts…
    const copy = { headers: { cookie: `${cookie.name}=${cookie.value}` }, redirect: 'manual' } as const
    assert.equal((await fetch(`${stack.url}/executions/${id}`, copy)).status, 200)
    await Promise.all([page.waitForURL(/\/login/), page.click('button:has-text("Sign out")')])
    assert.equal((await context.cookies()).length, 0)
    // …and nothing once signed out: the session is revoked server-side, not only forgotten by the browser
    const afterSignOut = await fetch(`${stack.url}/executions/${id}`, copy)
    assert.equal(afterSignOut.status, 303)
    assert.match(afterSignOut.headers.get('location') ?? '', /^\/login/)
    await page.goto(`${stack.url}/`)
    assert.match(page.url(), /\/login/)
    await context.close()
  })

  it('sends the visitor after sign-in only to a path of this origin, however next is written', async () => {
    const context = await stack.browser.newContext()
    const page = await context.newPage()
    const origin = new URL(stack.url).origin
    // the first was reported: Chromium read Location "/\t/evil.example/x" as //evil.example/x
    for (const next of ['/%09/evil.example/x', '/%0A/evil.example', '/%5Cevil.example', '/.//evil.example']) {
      await context.clearCookies()
      await page.goto(`${stack.url}/login?next=${next}`)
      await Promise.all([
        page.waitForURL((url) => url.pathname !== '/login'),
        page.fill('input[name=token]', TOKEN).then(() => page.click('button:has-text("Sign in")')),
      ])
      assert.equal(new URL(page.url()).origin, origin, `next=${next} stays on ${origin}`)
    }
    await context.close()
  })
})
