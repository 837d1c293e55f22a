/**
 * @module The execution list's cursor: the last row's `createdAt|id` as base64url text, through
 * Hono's codec (`hono/utils/encode`), the one base64url of the code base.
 */
import { decodeBase64Url, encodeBase64Url } from 'hono/utils/encode'

export interface ListPosition {
  createdAt: number
  id: string
}

export const encodeCursor = ({ createdAt, id }: ListPosition): string =>
  encodeBase64Url(new TextEncoder().encode(`${createdAt}|${id}`).buffer)

/** The position a cursor names, or null when the text is no cursor. */
export function decodeCursor(cursor: string): ListPosition | null {
  let text: string
  try {
    text = new TextDecoder().decode(decodeBase64Url(cursor))
  } catch {
    // not base64url: no cursor of ours
    return null
  }
  const [createdAt, id] = text.split('|')
  return id && Number.isSafeInteger(Number(createdAt)) ? { createdAt: Number(createdAt), id } : null
}
