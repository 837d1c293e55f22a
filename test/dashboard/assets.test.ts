import { describe, expect, it } from 'vitest'
import { CLIENT_SCRIPT, STYLE } from '../../src/dashboard/assets/generated'
import { TASK_RUN_STATUSES } from '../../src/core/transitions'
import { glyphOf, statusClass } from '../../src/dashboard/core/status'
import { PRECEDENCE } from '../../src/dashboard/core/totals'
import { call } from '../helpers/api'

describe("the dashboard's assets", () => {
  it('serves the script made from client.ts and the stylesheet from style.css', async () => {
    const script = await call('GET', '/assets/dashboard.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe(CLIENT_SCRIPT)
    const style = await call('GET', '/assets/dashboard.css')
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await style.text()).toBe(STYLE)
    // types stripped and minified: what the browser gets is JavaScript, without the sources' comments
    expect(CLIENT_SCRIPT).not.toMatch(/interface Fragment|: string\)|@module/)
    expect(CLIENT_SCRIPT).toContain('"[data-live-url]"')
    expect(STYLE).not.toContain('/*')
  })

  it('shows every status of core/transitions.ts, queued too, with a glyph and a colour class', () => {
    expect(glyphOf('queued')).not.toBe('•')
    expect(statusClass('queued')).toBe('st-queued')
    expect(STYLE).toContain('.badge.st-queued')
    expect(statusClass('toString')).toBe('st-unknown')
    // a group of task runs is shown by one status: every status of a run has its place in the order
    expect([...PRECEDENCE].sort()).toEqual([...TASK_RUN_STATUSES].sort())
  })
})
