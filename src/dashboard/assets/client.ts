/**
 * @module The dashboard's only script (plain ES2020, served from the Worker): polls the live
 * regions of a page, sends action forms and shows the API's answer in place, and shows a
 * segment's details on hover and on keyboard focus. Pages work without it, minus live updates.
 */
export const CLIENT_SCRIPT = String.raw`(() => {
  'use strict'
  const $ = (selector, root = document) => root.querySelector(selector)
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector))

  // ---- live regions: poll the page's fragment URL, swap the regions that changed
  let refreshNow = () => {}
  const live = $('[data-live-url]')
  if (live) {
    const url = live.getAttribute('data-live-url')
    const every = Number(live.getAttribute('data-live-ms') || '1000')
    const seen = new Map()
    let etag = null
    let timer = null
    let running = live.getAttribute('data-live') === 'on'
    const note = $('[data-live-note]')
    const apply = (regions) => {
      for (const name of Object.keys(regions)) {
        const html = regions[name]
        if (seen.get(name) === html) continue
        const element = $('[data-region="' + name + '"]')
        if (!element) continue
        const active = document.activeElement
        const typing = active && element.contains(active) && active.matches('input, textarea, select')
        if (typing || $('form[data-dirty]', element)) continue
        seen.set(name, html)
        const open = $$('details[open][id]', element).map((details) => details.id)
        const focused = active && element.contains(active) && active.id ? active.id : null
        element.innerHTML = html
        for (const id of open) document.getElementById(id)?.setAttribute('open', '')
        if (focused) document.getElementById(focused)?.focus()
      }
    }
    const tick = async () => {
      timer = null
      try {
        const headers = { accept: 'application/json' }
        if (etag) headers['if-none-match'] = etag
        const response = await fetch(url, { headers, credentials: 'same-origin', cache: 'no-store' })
        if (response.status === 401) return location.reload()
        if (response.status === 200) {
          etag = response.headers.get('etag')
          const data = await response.json()
          apply(data.regions)
          running = data.live
          document.documentElement.setAttribute('data-live-version', String(Date.now()))
        }
        if (note) note.textContent = running ? 'live: updated ' + new Date().toISOString().slice(11, 19) + ' UTC' : 'final: no more updates'
      } catch (error) {
        if (note) note.textContent = 'live: connection lost, retrying'
      }
      if (running) timer = setTimeout(tick, every)
    }
    refreshNow = () => {
      running = true
      if (timer) clearTimeout(timer)
      tick()
    }
    if (running) timer = setTimeout(tick, every)
  }

  // ---- action forms: POST with fetch, show the API's answer (or its error) in the form
  const show = (form, text, isError, extra) => {
    const out = $('.result', form)
    if (!out) return
    out.textContent = text
    out.classList.toggle('error', Boolean(isError))
    if (extra) out.appendChild(extra)
  }
  document.addEventListener('input', (event) => {
    const form = event.target.closest && event.target.closest('form[data-api]')
    if (form) form.setAttribute('data-dirty', '')
  })
  document.addEventListener('submit', async (event) => {
    const form = event.target
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-api')) return
    event.preventDefault()
    const button = event.submitter || $('button', form)
    if (button) button.disabled = true
    show(form, 'sending…', false)
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      })
      const data = await response.json().catch(() => ({ ok: false, message: 'HTTP ' + response.status }))
      if (data.ok && data.redirect) return location.assign(data.redirect)
      let extra = null
      if (data.body !== undefined && data.body !== null) {
        extra = document.createElement('div')
        const pre = document.createElement('pre')
        pre.textContent = JSON.stringify(data.body, null, 2)
        extra.appendChild(pre)
      }
      if (data.executionId) {
        extra = extra || document.createElement('div')
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
      show(form, 'the request failed: ' + error, true)
    } finally {
      if (button) button.disabled = false
    }
  })

  // ---- details of a chart segment on hover and keyboard focus
  const tip = document.createElement('div')
  tip.className = 'tip'
  tip.setAttribute('role', 'tooltip')
  tip.id = 'tip'
  tip.hidden = true
  document.body.appendChild(tip)
  const showTip = (target) => {
    const text = target.getAttribute('data-tip')
    if (!text) return
    tip.textContent = text
    tip.hidden = false
    const box = target.getBoundingClientRect()
    const left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4)
    tip.style.left = Math.max(4, left) + 'px'
    tip.style.top = window.scrollY + box.bottom + 6 + 'px'
  }
  const hideTip = () => (tip.hidden = true)
  const tipTarget = (event) => event.target.closest && event.target.closest('[data-tip]')
  document.addEventListener('mouseover', (event) => {
    const target = tipTarget(event)
    if (target) showTip(target)
    else hideTip()
  })
  document.addEventListener('focusin', (event) => {
    const target = tipTarget(event)
    if (target) showTip(target)
    else hideTip()
  })
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hideTip()
  })
})()
`
