/** @module A region of a page the script may swap. */
import type { Child } from 'hono/jsx'

export const Region = ({ name, children, label }: { name: string; children: Child; label?: string }) => (
  <div data-region={name} aria-label={label}>
    {children}
  </div>
)
