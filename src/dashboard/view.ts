/** @module A page as regions: the whole page on load, only its regions (as JSON) when the script polls. */
import type { Child } from 'hono/jsx'
import type { Section } from './pages/components'

export interface View {
  title: string
  section: Section
  /** Poll for changes while true. */
  live: boolean
  /** The parts the script swaps when they change. */
  regions: Record<string, Child>
  /** The page (its regions inside, wrapped by `Region`). */
  body: Child
  status?: 200 | 400 | 404 | 409
}

/** Renders a JSX child to HTML text. */
export async function html(child: Child): Promise<string> {
  if (child === null || child === undefined || typeof child === 'boolean') return ''
  return String(await (child as { toString(): string | Promise<string> }).toString())
}

/** Hex SHA-1 of a text (an ETag). */
export async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
