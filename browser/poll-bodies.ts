import type { Page } from 'playwright-core'

/**
 * The sizes of the live page's fragment polls (answered 200) from now until `stop`. Every body is
 * read before `stop` returns: a read still pending when the page or the browser goes away would
 * reject outside the caller, so `stop` waits for each and counts those that could not be read.
 */
export const watchPollBodies = (page: Page) => {
  const reads: Promise<number>[] = []
  const listener = (response: import('playwright-core').Response) => {
    if (response.url().includes('fragment=1') && response.status() === 200)
      reads.push(response.body().then((body) => body.length))
  }
  page.on('response', listener)
  return async () => {
    page.off('response', listener)
    const settled = await Promise.allSettled(reads)
    const sizes = settled.flatMap((read) => (read.status === 'fulfilled' ? [read.value] : []))
    return { sizes, unread: settled.length - sizes.length }
  }
}
