/**
 * @module The dashboard, served by the Worker: pages at `/`, `/executions/:id`, `/flows`,
 * `/flows/:id`, `/flows/:id/edit`, a flow's test run (`POST /flows/:id/tests`), their operations
 * as POSTs beside them, and sign-in (its script and stylesheet are static assets, public/assets/).
 * Every read and every operation is a request to the REST API in the same isolate.
 */
import { type Context, Hono } from 'hono'
import { deleteCookie, setSignedCookie } from 'hono/cookie'
import { accessOf } from '../domain/access'
import type { Env } from '../env'
import * as operations from './actions'
import { bulk } from './bulk'
import { type ApiFetch, apiFor, problemOf } from './api-client'
import { type ApiProblem, isProblem } from './api-types'
import { formatOf, openEditor, submitEditor } from './editor'
import { currentSession, requireSameOrigin, requireSession, signedIn } from './auth/guard'
import { safeNext } from './auth/next'
import { newSession, type Revocations, SESSION_COOKIE, SESSION_TTL_MS, sessionKey } from './auth/session'
import { timingSafeEqual } from 'hono/utils/buffer'
import { bulkResultsView } from './pages/bulk-bar'
import { Problem, Shell } from './pages/components'
import { executionPage } from './pages/execution-page'
import { executionsPage } from './pages/executions-page'
import { flowPage } from './pages/flow-page'
import { flowTestsRun } from './pages/flow-tests'
import { flowsPage } from './pages/flows-page'
import { loginPage } from './pages/login-page'
import { digest, html, type View } from './view'

type Ctx = Context<{ Bindings: Env }>

/** Only this origin's scripts, styles, images and requests; no frames, no plugins. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
}

const problemView = (problem: ApiProblem): View => ({
  title: `${problem.status} ${problem.code}`,
  section: 'executions',
  live: false,
  regions: {},
  body: (
    <>
      <h1>{problem.status === 404 ? 'Not found' : 'The API refused'}</h1>
      <Problem problem={problem} />
      <p>
        <a href="/">Back to the executions</a>
      </p>
    </>
  ),
})

/** The page, or with `?fragment=1` its regions as JSON (with an ETag, 304 when unchanged; only the changed ones). */
async function respond(c: Ctx, result: View | ApiProblem): Promise<Response> {
  const view = isProblem(result) ? problemView(result) : result
  const status = isProblem(result) ? (result.status as 404) : (view.status ?? 200)
  if (c.req.query('fragment') === '1') {
    // each region with its digest; the regions the script says it has (`x-have-regions:
    // name:digest,…`) are left out, so a poll carries only what changed since its last one
    const have = new Set((c.req.header('x-have-regions') ?? '').split(',').filter(Boolean))
    const regions: Record<string, string> = {}
    const digests: Record<string, string> = {}
    for (const [name, child] of Object.entries(view.regions)) {
      const text = await html(child)
      digests[name] = (await digest(text)).slice(0, 16)
      if (!have.has(`${name}:${digests[name]}`)) regions[name] = text
    }
    const etag = `"${await digest(JSON.stringify({ live: view.live, digests }))}"`
    const headers = { ...SECURITY_HEADERS, etag, 'content-type': 'application/json' }
    if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers })
    return new Response(JSON.stringify({ live: view.live, regions, digests }), { status, headers })
  }
  const url = new URL(c.req.url)
  url.searchParams.set('fragment', '1')
  const page = await html(
    <Shell
      title={view.title}
      section={view.section}
      signOut={accessOf(c.env) === 'session' && view.section !== 'login'}
    >
      <div data-live-url={`${url.pathname}${url.search}`} data-live={view.live ? 'on' : 'off'} data-live-ms="500">
        {view.body}
      </div>
    </Shell>,
  )
  return new Response(`<!doctype html>${page}`, {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' },
  })
}

/** An operation's outcome: JSON for the page script; a redirect or an error page for a plain form. */
async function answer(c: Ctx, outcome: operations.Outcome, back: string): Promise<Response> {
  if (c.req.header('accept')?.includes('application/json')) {
    const { problem: _problem, ...rest } = outcome
    return c.json(rest, outcome.ok ? 200 : (outcome.status as 400))
  }
  if (outcome.ok) return c.redirect(outcome.redirect ?? back, 303)
  return respond(c, outcome.problem ?? { status: outcome.status, code: 'refused', message: outcome.message })
}

async function formOf(c: Ctx): Promise<Record<string, string>> {
  const form = await c.req.parseBody()
  return Object.fromEntries(
    Object.entries(form).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])),
  )
}

/**
 * The dashboard's routes; `apiFetch` is the API app's fetch, which every read and operation goes
 * through, and `revocations` where sign-outs are kept.
 */
export function dashboard(apiFetch: ApiFetch, revocations: Revocations): Hono<{ Bindings: Env }> {
  const ui = new Hono<{ Bindings: Env }>()
  const guard = [requireSameOrigin(), requireSession(revocations)] as const
  const api = (c: Ctx) => apiFor(c, apiFetch)

  ui.get('/login', async (c) => {
    const next = safeNext(c.req.query('next'), new URL(c.req.url).origin)
    if (accessOf(c.env) !== 'session' || (await signedIn(c, revocations))) {
      return accessOf(c.env) === 'closed' ? respond(c, loginPage('/', false, true)) : c.redirect(next, 303)
    }
    return respond(c, loginPage(next, false, false))
  })
  ui.post('/login', requireSameOrigin(), async (c) => {
    const form = await formOf(c)
    const token = c.env.API_TOKEN
    const next = safeNext(form['next'], new URL(c.req.url).origin)
    if (!token) return c.redirect('/', 303)
    if (!(await timingSafeEqual(form['token'] ?? '', token))) return respond(c, loginPage(next, true, false))
    await setSignedCookie(c, SESSION_COOKIE, newSession(Date.now()).value, sessionKey(token), {
      prefix: 'host',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: SESSION_TTL_MS / 1000,
    })
    return c.redirect(next, 303)
  })
  ui.post('/logout', requireSameOrigin(), async (c) => {
    // revoked server-side: the cookie's value, kept or copied, opens nothing afterwards
    const session = await currentSession(c, revocations)
    if (session) await revocations.revoke(c.env.DB, session.nonce, session.expires, Date.now())
    deleteCookie(c, SESSION_COOKIE, { prefix: 'host', path: '/', secure: true })
    return c.redirect('/login', 303)
  })

  ui.get('/', ...guard, async (c) => respond(c, await executionsPage(api(c), c.req.query(), Date.now())))
  ui.get('/executions/:id', ...guard, async (c) =>
    respond(c, await executionPage(api(c), c.req.param('id'), c.req.query(), Date.now())),
  )
  // the log download: the API's NDJSON streamed through, its filters (the API's names) as they came
  ui.get('/executions/:id/logs.ndjson', ...guard, async (c) => {
    const path = `/api/executions/${encodeURIComponent(c.req.param('id'))}/logs.ndjson${new URL(c.req.url).search}`
    const response = await api(c).send('GET', path)
    if (!response.ok) return respond(c, await problemOf(response))
    const headers = new Headers(SECURITY_HEADERS)
    for (const name of ['content-type', 'content-disposition']) headers.set(name, response.headers.get(name) ?? '')
    return new Response(response.body, { status: 200, headers })
  })
  ui.get('/flows', ...guard, async (c) => respond(c, await flowsPage(api(c), c.req.query(), new URL(c.req.url).origin)))
  ui.get('/flows/:id', ...guard, async (c) =>
    respond(c, await flowPage(api(c), c.req.param('id'), c.req.query(), new URL(c.req.url).origin)),
  )

  ui.get('/flows/:id/edit', ...guard, async (c) =>
    respond(c, await openEditor(api(c), c.req.param('id'), formatOf(c.req.query('format')))),
  )
  // Review (the check and the diff; as `?fragment=1` for the script) or Save, which lands on the flow
  ui.post('/flows/:id/edit', ...guard, async (c) => {
    const result = await submitEditor(api(c), c.req.param('id'), await formOf(c))
    if ('saved' in result) return c.redirect(`/flows/${c.req.param('id')}?saved=${result.saved}#definition`, 303)
    return respond(c, result)
  })

  for (const operation of ['kill', 'pause', 'resume'] as const) {
    ui.post(`/executions/:id/${operation}`, ...guard, async (c) =>
      answer(c, await operations.control(api(c), c.req.param('id'), operation), `/executions/${c.req.param('id')}`),
    )
  }
  // every execution ticked on the list, or all its filter matches: a page of per-execution results
  ui.post('/executions/bulk', ...guard, async (c) => {
    const form = await c.req.parseBody({ all: true })
    const text = (value: unknown) => (typeof value === 'string' ? value : '')
    const ids = [form['id'] ?? []].flat().filter((id): id is string => typeof id === 'string')
    const query = text(form['query'])
    const bulkForm = { action: text(form['action']), scope: text(form['scope']), query, ids }
    return respond(c, bulkResultsView(await bulk(api(c), bulkForm, Date.now()), query ? `/?${query}` : '/'))
  })
  ui.post('/executions/:id/replay', ...guard, async (c) =>
    answer(c, await operations.replay(api(c), c.req.param('id'), await formOf(c)), `/executions/${c.req.param('id')}`),
  )
  ui.post('/executions/:id/event', ...guard, async (c) =>
    answer(c, await operations.deliver(api(c), c.req.param('id'), await formOf(c)), `/executions/${c.req.param('id')}`),
  )
  ui.post('/flows/:id/execute', ...guard, async (c) => {
    const outcome = await operations.execute(api(c), c.req.param('id'), await formOf(c))
    const back = outcome.executionId ? `/executions/${outcome.executionId}` : `/flows/${c.req.param('id')}`
    return answer(c, outcome, back)
  })
  // the flow's stored tests, run: a page of each case's outcome
  ui.post('/flows/:id/tests', ...guard, async (c) => respond(c, await flowTestsRun(api(c), c.req.param('id'))))
  ui.post('/flows/:id/disable', ...guard, async (c) =>
    answer(c, await operations.disable(api(c), c.req.param('id')), `/flows/${c.req.param('id')}`),
  )
  ui.post('/flows/:id/enable', ...guard, async (c) =>
    answer(c, await operations.enable(api(c), c.req.param('id')), `/flows/${c.req.param('id')}`),
  )
  return ui
}
