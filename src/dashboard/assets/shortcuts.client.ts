/**
 * @module Keyboard shortcuts, for every page: `/` focuses the page's search field, `g` then `e` opens
 * the executions, `g` then `f` the flows. Keys typed into a field are the field's. A classic script
 * (see client.ts), served after it.
 */
;(() => {
  'use strict'
  /** How long after `g` its second key counts. */
  const CHORD_MS = 1500
  const GO: Record<string, string> = { e: '/', f: '/flows' }
  let pendingG = 0
  const typing = (target: EventTarget | null) =>
    target instanceof HTMLElement &&
    (target.isContentEditable || target.matches('input, textarea, select, [contenteditable]'))
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return
    if (event.key === '/') {
      // the page's own search (a field marked data-search), else its first search or filter field
      const field = document.querySelector<HTMLElement>(
        '[data-search], input[type=search], form.filters input:not([type=hidden])',
      )
      if (!field) return
      event.preventDefault()
      field.focus()
      return
    }
    const target = GO[event.key]
    if (target && Date.now() - pendingG < CHORD_MS) {
      pendingG = 0
      event.preventDefault()
      location.assign(target)
      return
    }
    pendingG = event.key === 'g' ? Date.now() : 0
  })
})()
