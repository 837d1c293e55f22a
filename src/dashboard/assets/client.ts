/**
 * @module The dashboard's only script, run by the browser (checked by tsconfig.browser.json, served
 * as a static asset with its types stripped: `npm run assets` writes public/assets/dashboard.js). It polls
 * the live regions of a page, sends action forms and shows the API's answer in place, and shows a
 * segment's details on hover and on keyboard focus. Pages work without it, minus live updates.
 * No imports and no exports: it is served as it is, as a classic script.
 */
;(() => {
  'use strict'
  const $ = (selector: string, root: ParentNode = document) => root.querySelector(selector)
  const $$ = (selector: string, root: ParentNode = document) => Array.from(root.querySelectorAll(selector))

  /** What `?fragment=1` answers (dashboard/routes.tsx). */
  interface Fragment {
    live: boolean
    /** The regions that changed since the digests the poll sent. */
    regions: Record<string, string>
    /** Every region's digest. */
    digests?: Record<string, string>
  }

  /** What an operation answers the script (dashboard/routes.tsx, `answer`). */
  interface Outcome {
    ok: boolean
    message?: string
    redirect?: string
    body?: unknown
    executionId?: string | null
  }

  // ---- live regions: poll the page's fragment URL, swap the regions that changed
  let refreshNow = () => {}
  const live = $('[data-live-url]')
  if (live) {
    const url = live.getAttribute('data-live-url') ?? location.href
    const every = Number(live.getAttribute('data-live-ms') || '1000')
    const seen = new Map<string, string>()
    /** The digest of each region as shown: the server leaves those out of its answer. */
    const shown = new Map<string, string>()
    let etag: string | null = null
    let timer: ReturnType<typeof setTimeout> | null = null
    let running = live.getAttribute('data-live') === 'on'
    const note = $('[data-live-note]')
    const apply = (regions: Record<string, string>, digests: Record<string, string>) => {
      for (const [name, html] of Object.entries(regions)) {
        const digest = digests[name]
        if (seen.get(name) === html) {
          if (digest) shown.set(name, digest)
          continue
        }
        const element = $('[data-region="' + name + '"]')
        if (!element) continue
        const active = document.activeElement
        const typing = active && element.contains(active) && active.matches('input, textarea, select')
        if (typing || $('form[data-dirty]', element)) continue
        seen.set(name, html)
        if (digest) shown.set(name, digest)
        const open = $$('details[open][id]', element).map((details) => details.id)
        const focused = active && element.contains(active) && active.id ? active.id : null
        element.innerHTML = html
        for (const id of open) document.getElementById(id)?.setAttribute('open', '')
        if (focused) document.getElementById(focused)?.focus()
      }
    }
    const tick = async () => {
      timer = null
      const started = Date.now()
      try {
        const headers: Record<string, string> = { accept: 'application/json' }
        if (etag) headers['if-none-match'] = etag
        if (shown.size > 0)
          headers['x-have-regions'] = [...shown].map(([name, digest]) => name + ':' + digest).join(',')
        const response = await fetch(url, { headers, credentials: 'same-origin', cache: 'no-store' })
        if (response.status === 401) return location.reload()
        if (response.status === 200) {
          etag = response.headers.get('etag')
          const data = (await response.json()) as Fragment
          apply(data.regions, data.digests ?? {})
          running = data.live
          document.documentElement.setAttribute('data-live-version', String(Date.now()))
        }
        if (note) {
          note.textContent = running
            ? 'live: updated ' + new Date().toISOString().slice(11, 19) + ' UTC'
            : 'final: no more updates'
        }
      } catch {
        if (note) note.textContent = 'live: connection lost, retrying'
      }
      // the next poll `every` ms after this one began, not after it was answered: a slow answer
      // does not stretch the period, so a change shows within `every` plus one answer
      if (running) timer = setTimeout(poll, Math.max(50, every - (Date.now() - started)))
    }
    // a timer's callback returns nothing: the tick handles its own failures
    const poll = () => void tick()
    refreshNow = () => {
      running = true
      if (timer) clearTimeout(timer)
      poll()
    }
    if (running) {
      // the page says "live" only where the script runs
      if (note) note.textContent = 'live: updates every half second'
      timer = setTimeout(poll, every)
    }
  }

  // ---- permalinks: #run-<id> opens that run's details (from the Gantt, the error banner, a link)
  const openTarget = () => {
    const target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null
    const details = target?.closest('details')
    if (details) {
      details.open = true
      details.scrollIntoView({ block: 'start' })
    }
  }
  window.addEventListener('hashchange', openTarget)
  openTarget()

  // ---- action forms: POST with fetch, show the API's answer (or its error) in the form
  const show = (form: HTMLFormElement, text: string, isError: boolean, extra?: HTMLElement | null) => {
    const out = $('.result', form)
    if (!out) return
    out.textContent = text
    out.classList.toggle('error', isError)
    if (extra) out.appendChild(extra)
  }
  const closest = (event: Event, selector: string) =>
    event.target instanceof Element ? event.target.closest(selector) : null
  document.addEventListener('input', (event) => {
    closest(event, 'form[data-api]')?.setAttribute('data-dirty', '')
  })
  const submit = async (form: HTMLFormElement, submitter: HTMLElement | null) => {
    const button = submitter ?? $('button', form)
    if (button instanceof HTMLButtonElement) button.disabled = true
    show(form, 'sending…', false)
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        // the form's text fields (its forms have no file input)
        body: new URLSearchParams(
          [...new FormData(form)].flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])),
        ),
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      })
      const data = (await response
        .json()
        .catch((): Outcome => ({ ok: false, message: 'HTTP ' + response.status }))) as Outcome
      if (data.ok && data.redirect) return location.assign(data.redirect)
      let extra: HTMLElement | null = null
      if (data.body !== undefined && data.body !== null) {
        extra = document.createElement('div')
        const pre = document.createElement('pre')
        pre.textContent = JSON.stringify(data.body, null, 2)
        extra.appendChild(pre)
      }
      if (data.executionId) {
        extra = extra ?? document.createElement('div')
        const link = document.createElement('a')
        link.href = '/executions/' + data.executionId
        link.textContent = 'open execution ' + data.executionId
        extra.appendChild(link)
      }
      show(form, data.message || (data.ok ? 'done' : 'refused'), !data.ok, extra)
      if (data.ok) {
        form.removeAttribute('data-dirty')
        refreshNow()
      }
    } catch (error) {
      show(form, 'the request failed: ' + String(error), true)
    } finally {
      if (button instanceof HTMLButtonElement) button.disabled = false
    }
  }
  document.addEventListener('submit', (event) => {
    const form = event.target
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-api')) return
    event.preventDefault()
    void submit(form, event.submitter)
  })

  // ---- details of a chart segment on hover and keyboard focus
  const tip = document.createElement('div')
  tip.className = 'tip'
  tip.setAttribute('role', 'tooltip')
  tip.id = 'tip'
  tip.hidden = true
  document.body.appendChild(tip)
  const showTip = (target: Element) => {
    // a Gantt segment's details are its <title> (sent once, not again in an attribute)
    const text = target.getAttribute('data-tip') ?? $('title', target)?.textContent
    if (!text) return
    tip.textContent = text
    tip.hidden = false
    const box = target.getBoundingClientRect()
    const left = Math.min(
      window.scrollX + box.left,
      window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4,
    )
    tip.style.left = Math.max(4, left) + 'px'
    tip.style.top = window.scrollY + box.bottom + 6 + 'px'
  }
  const hideTip = () => (tip.hidden = true)
  const onTip = (event: Event) => {
    const target = closest(event, '[data-tip], .seg')
    if (target) showTip(target)
    else hideTip()
  }
  document.addEventListener('mouseover', onTip)
  document.addEventListener('focusin', onTip)
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hideTip()
  })
})()
