import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { TASK_RUN_STATUSES } from '../../src/core/transitions'
import { glyphOf, statusClass } from '../../src/dashboard/core/status'
import { PRECEDENCE } from '../../src/dashboard/core/totals'
import { BASE } from '../helpers/api'

/** What Cloudflare answers for `path` of the static assets (public/), before the Worker runs. */
async function served(path: string, type: string): Promise<string> {
  const response = await env.ASSETS.fetch(`${BASE}${path}`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe(type)
  expect(response.headers.get('cache-control')).toBe('public, max-age=300')
  return response.text()
}

describe("the dashboard's assets", () => {
  it('serves the script made from client.ts and the stylesheet from style.css', async () => {
    const script = await served('/assets/dashboard.js', 'text/javascript; charset=utf-8')
    const style = await served('/assets/dashboard.css', 'text/css; charset=utf-8')
    // types stripped and minified: what the browser gets is JavaScript, without the sources' comments
    expect(script).not.toMatch(/interface Fragment|: string\)|@module/)
    expect(script).toContain('"[data-live-url]"')
    expect(style).not.toContain('/*')
  })

  it('shows every status of core/transitions.ts, queued too, with a glyph and a colour class', async () => {
    expect(glyphOf('queued')).not.toBe('•')
    expect(statusClass('queued')).toBe('st-queued')
    expect(await served('/assets/dashboard.css', 'text/css; charset=utf-8')).toContain('.badge.st-queued')
    expect(statusClass('toString')).toBe('st-unknown')
    // a group of task runs is shown by one status: every status of a run has its place in the order
    expect([...PRECEDENCE].sort()).toEqual([...TASK_RUN_STATUSES].sort())
  })
})
