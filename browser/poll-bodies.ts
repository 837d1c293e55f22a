import type { Page } from 'playwright-core'

/**
 * The sizes of the live page's fragment polls (answered 200) from now until `stop`. Every body is
 * read before `stop` returns: a read still pending when the page or the browser goes away would
 * reject outside the caller, so `stop` waits for each and counts those that could not be read.
 */
export const watchPollBodies = (page: Page) => {
  // each read's failure is taken as it happens: a rejection left for `stop` to collect would be
  // reported as unhandled meanwhile (the page moved on before the read), and fail the test run
  const reads: Promise<number | null>[] = []
  const listener = (response: import('playwright-core').Response) => {
    if (response.url().includes('fragment=1') && response.status() === 200)
      reads.push(
        response.body().then(
          (body) => body.length,
          () => null,
        ),
      )
  }
  page.on('response', listener)
  return async () => {
    page.off('response', listener)
    const read = await Promise.all(reads)
    const sizes = read.filter((size) => size !== null)
    return { sizes, unread: read.length - sizes.length }
  }
}
