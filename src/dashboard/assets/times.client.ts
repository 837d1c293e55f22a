/**
 * @module Times drawn as "3 min ago" (`time[data-relative]`): their title turned to the viewer's
 * own zone, and their text kept current each 15 s and after a live update. Without the script the
 * text is as the server drew it and the title says UTC. A classic script (see client.ts).
 */
;(() => {
  'use strict'
  const UNITS: [number, number, string][] = [
    [60_000, 1000, 's'],
    [3_600_000, 60_000, 'min'],
    [86_400_000, 3_600_000, 'h'],
    [30 * 86_400_000, 86_400_000, 'd'],
  ]
  // the same words as the server's (src/dashboard/core/relative.ts)
  const relative = (at: number, now: number) => {
    const delta = now - at
    const span = Math.abs(delta)
    if (span < 1000) return 'just now'
    const unit = UNITS.find(([limit]) => span < limit)
    if (!unit) return new Date(at).toISOString().slice(0, 10)
    const text = Math.floor(span / unit[1]) + ' ' + unit[2]
    return delta >= 0 ? text + ' ago' : 'in ' + text
  }
  // (dateStyle and timeStyle cannot be combined with timeZoneName)
  const local = new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  })
  const update = () => {
    const now = Date.now()
    for (const time of Array.from(document.querySelectorAll('time[data-relative]'))) {
      const at = Date.parse(time.getAttribute('datetime') ?? '')
      if (Number.isNaN(at)) continue
      const text = relative(at, now)
      if (time.textContent !== text) time.textContent = text
      const title = local.format(at)
      if (time.getAttribute('title') !== title) time.setAttribute('title', title)
    }
  }
  update()
  setInterval(update, 15_000)
  const list = document.querySelector('[data-region="list"]')
  if (list) new MutationObserver(update).observe(list, { childList: true, subtree: true })
})()
