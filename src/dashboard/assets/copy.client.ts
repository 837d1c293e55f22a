/**
 * @module A Copy button on every JSON block (`pre[data-copy]`), added by the script (a button that
 * cannot work without it is not drawn) and again whenever a live region brings new blocks. A
 * classic script (see client.ts), served after it.
 */
;(() => {
  'use strict'
  const addButtons = () => {
    for (const block of Array.from(document.querySelectorAll('pre[data-copy]'))) {
      if (block.previousElementSibling?.classList.contains('copy')) continue
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'copy'
      button.textContent = 'Copy'
      const label = block.getAttribute('aria-label')
      button.setAttribute('aria-label', label ? 'Copy ' + label : 'Copy')
      block.before(button)
    }
  }
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.copy') : null
    const block = button?.nextElementSibling
    if (!button || !(block instanceof HTMLPreElement)) return
    const done = (text: string) => {
      button.textContent = text
      setTimeout(() => (button.textContent = 'Copy'), 1500)
    }
    navigator.clipboard.writeText(block.textContent ?? '').then(
      () => done('Copied'),
      (error: unknown) => done('Copy failed: ' + String(error)),
    )
  })
  new MutationObserver(addButtons).observe(document.body, { childList: true, subtree: true })
  addButtons()
})()
