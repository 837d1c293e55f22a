/**
 * @module The flow editor as you type (pages/flow-editor.tsx): the line numbers follow the text,
 * and a pause in typing sends the form as Review does, as `?fragment=1`, whose check and diff
 * regions replace the page's; a problem's line is marked beside the text, and a click on a
 * problem selects its line. Without the script, Review does the same with a page load. A classic
 * script (see client.ts), served after it.
 */
;(() => {
  'use strict'
  const form = document.querySelector<HTMLFormElement>('form[data-editor-form]')
  const text = form?.querySelector<HTMLTextAreaElement>('textarea[data-editor]')
  const gutter = form?.querySelector<HTMLOListElement>('[data-gutter]')
  if (!form || !text || !gutter) return
  /** How long typing pauses before the text is checked. */
  const PAUSE_MS = 250

  /** One number a line, each line the check placed a problem at marked with it. */
  const drawGutter = () => {
    const lines = text.value.split('\n').length
    const problems = new Map<number, string>()
    for (const item of Array.from(form.querySelectorAll('[data-issue-line]'))) {
      const line = Number(item.getAttribute('data-issue-line'))
      problems.set(line, [problems.get(line), item.textContent ?? ''].filter(Boolean).join('; '))
    }
    gutter.replaceChildren(
      ...Array.from({ length: lines }, (_, index) => {
        const item = document.createElement('li')
        item.textContent = String(index + 1)
        const problem = problems.get(index + 1)
        if (problem) {
          item.className = 'bad'
          item.title = problem
        }
        return item
      }),
    )
    text.rows = lines + 1
  }

  let sent = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const review = async () => {
    const mine = ++sent
    const body = new URLSearchParams()
    for (const [key, value] of new FormData(form))
      if (typeof value === 'string' && key !== 'reviewed') body.set(key, value)
    body.set('intent', 'review')
    form.setAttribute('aria-busy', 'true')
    try {
      const response = await fetch(form.action + '?fragment=1', {
        method: 'POST',
        body,
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      })
      if (response.status === 401) return location.reload()
      const data = (await response.json()) as { regions: Record<string, string> }
      // an answer to an older text is not shown over a newer one's
      if (mine !== sent) return
      for (const [name, html] of Object.entries(data.regions)) {
        const region = form.querySelector('[data-region="' + name + '"]')
        if (region) region.innerHTML = html
      }
      form.setAttribute('data-checked', String(mine))
    } catch (error) {
      const region = form.querySelector('[data-region="check"]')
      if (region) region.textContent = 'The check failed: ' + String(error)
    } finally {
      if (mine === sent) form.removeAttribute('aria-busy')
      drawGutter()
    }
  }
  text.addEventListener('input', () => {
    drawGutter()
    // the diff shown is no longer the text's: no Save until it is checked again
    form.querySelector('button[value="save"]')?.setAttribute('disabled', '')
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void review(), PAUSE_MS)
  })
  form.addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest('[data-issue-line]') : null
    if (!item) return
    const line = Number(item.getAttribute('data-issue-line'))
    const lines = text.value.split('\n')
    const start = lines.slice(0, line - 1).reduce((sum, each) => sum + each.length + 1, 0)
    text.focus()
    text.setSelectionRange(start, start + (lines[line - 1] ?? '').length)
  })
  drawGutter()
})()
