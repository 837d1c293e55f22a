/** @module A paged read streamed as NDJSON: one item as JSON a line, the next page read when the reader wants more. */

export interface NdjsonPage {
  items: readonly unknown[]
  nextCursor: string | null
}

/**
 * The items of `first` and of every page after it, read through `next(cursor)` only as the reader
 * pulls (a slow reader holds one page in memory, not all of them).
 */
export function ndjsonPages(
  first: NdjsonPage,
  next: (cursor: string) => Promise<NdjsonPage>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let page: NdjsonPage | null = first
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (page === null) return
      const current: NdjsonPage = page
      if (current.items.length > 0) {
        controller.enqueue(encoder.encode(current.items.map((item) => `${JSON.stringify(item)}\n`).join('')))
      }
      // the stream awaits pull: a failed read errors the download, it is not swallowed
      page = current.nextCursor === null ? null : await next(current.nextCursor)
      if (page === null) controller.close()
    },
  })
}
