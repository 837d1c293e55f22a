/**
 * @module The executions list's bulk bar, helped by the script: a box that ticks the whole page,
 * the count of ticked rows, and the ticks kept when a live update redraws the list. Without it
 * each row is ticked by hand and the form posts the same. A classic script (see client.ts).
 */
;(() => {
  'use strict'
  const form = document.getElementById('bulk')
  if (!(form instanceof HTMLFormElement)) return
  const ticked = new Set<string>()
  const rows = () =>
    Array.from(document.querySelectorAll('input[data-bulk-id]')).filter(
      (box): box is HTMLInputElement => box instanceof HTMLInputElement,
    )
  const count = form.querySelector('[data-bulk-count]')
  const show = () => {
    const boxes = rows()
    for (const box of boxes) box.checked = ticked.has(box.value)
    const page = document.querySelector('input[data-bulk-page]')
    if (page instanceof HTMLInputElement) {
      const on = boxes.filter((box) => box.checked).length
      page.checked = on > 0 && on === boxes.length
      page.indeterminate = on > 0 && on < boxes.length
    }
    if (count) count.textContent = ticked.size > 0 ? '(' + ticked.size + ')' : ''
  }
  document.addEventListener('change', (event) => {
    const box = event.target
    if (!(box instanceof HTMLInputElement)) return
    if (box.hasAttribute('data-bulk-page')) {
      for (const row of rows()) {
        if (box.checked) ticked.add(row.value)
        else ticked.delete(row.value)
      }
    } else if (box.hasAttribute('data-bulk-id')) {
      if (box.checked) ticked.add(box.value)
      else ticked.delete(box.value)
    } else return
    show()
  })
  // rows ticked before a live update may be redrawn: tick them again (the page's rows only post)
  const list = document.querySelector('[data-region="list"]')
  if (list) new MutationObserver(show).observe(list, { childList: true, subtree: true })
  show()
})()
