/** @module Small pieces every page uses: the shell, status badges, JSON blocks, API problems. */
import type { Child } from 'hono/jsx'
import type { ApiProblem } from '../api-types'
import type { DiffLine } from '../core/diff'
import { statusClass, statusText } from '../core/status'

export type Section = 'executions' | 'flows' | 'api' | 'login'

export function Shell({
  title,
  section,
  signOut,
  children,
}: {
  title: string
  section: Section
  signOut: boolean
  children: Child
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · edgeflow`}</title>
        <link rel="stylesheet" href="/assets/dashboard.css" />
        <script src="/assets/dashboard.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">
            edgeflow
          </a>
          <nav aria-label="Main">
            <a href="/" aria-current={section === 'executions' ? 'page' : undefined}>
              Executions
            </a>{' '}
            <a href="/flows" aria-current={section === 'flows' ? 'page' : undefined}>
              Flows
            </a>{' '}
            <a href="/api/docs" aria-current={section === 'api' ? 'page' : undefined}>
              API
            </a>
          </nav>
          {signOut ? (
            <form method="post" action="/logout">
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  )
}

export const Badge = ({ status }: { status: string }) => (
  <span class={`badge ${statusClass(status)}`} data-status={status}>
    {statusText(status)}
  </span>
)

/** An execution's labels as chips, each a link to the executions that carry it too. */
export const LabelChips = ({ labels }: { labels: Record<string, string> }) => (
  <span class="chips">
    {Object.entries(labels).map(([key, value]) => (
      <a class="chip" href={`/?${new URLSearchParams({ label: `${key}:${value}` })}`} data-label={key}>
        {key}: {value}
      </a>
    ))}
  </span>
)

/** Longest JSON text shown inline. */
export const JSON_LIMIT = 16_384

/** JSON, pretty, cut past `JSON_LIMIT` characters with a note of the full size. */
export function jsonText(value: unknown, limit = JSON_LIMIT): string {
  const text = value === undefined ? 'null' : (JSON.stringify(value, null, 2) ?? 'null')
  return text.length > limit
    ? `${text.slice(0, limit)}\n… (${text.length.toLocaleString('en-US')} characters in all)`
    : text
}

/** A JSON block; the script puts a Copy button before it (`data-copy`). */
export const Json = ({ value, label, limit }: { value: unknown; label?: string; limit?: number }) => (
  <pre tabindex={0} aria-label={label} data-copy>
    {jsonText(value, limit)}
  </pre>
)

export const Problem = ({ problem }: { problem: ApiProblem }) => (
  <div class="problem" role="alert">
    <strong>
      {problem.status} {problem.code}
    </strong>
    : {problem.message}
    {problem.issues?.length ? (
      <ul>
        {problem.issues.map((issue) => (
          <li>
            <code>{issue.path}</code>: {issue.message}
          </li>
        ))}
      </ul>
    ) : null}
  </div>
)

/** The first characters of an id, with the whole id for screen readers and hover. */
export const ShortId = ({ id }: { id: string }) => (
  <span class="mono" title={id}>
    {id.length > 13 ? `${id.slice(0, 8)}…` : id}
  </span>
)

/** A labelled select; `blank` is the option meaning "no choice" (an empty value). */
export function Select({
  label,
  name,
  options,
  selected,
  blank,
}: {
  label: string
  name: string
  options: readonly (string | { value: string; text: string })[]
  selected: string
  blank?: string
}) {
  return (
    <label>
      {label}
      <select name={name}>
        {blank === undefined ? null : <option value="">{blank}</option>}
        {options.map((option) => {
          const { value, text } = typeof option === 'string' ? { value: option, text: option } : option
          return (
            <option value={value} selected={value === selected}>
              {text}
            </option>
          )
        })}
      </select>
    </label>
  )
}

/** A form the page script sends, with a place for the API's answer. */
export const ApiForm = ({ action, label, children }: { action: string; label?: string; children: Child }) => (
  <form method="post" action={action} data-api aria-label={label}>
    {children}
    <output class="result" aria-live="polite"></output>
  </form>
)

/**
 * A destructive operation in two steps, with or without the script: a disclosure that opens on
 * what it does and the button that does it.
 */
export const Confirmed = ({
  id,
  action,
  open,
  confirm,
  warning,
}: {
  /** Kept open across live updates. */
  id: string
  action: string
  open: string
  confirm: string
  warning: string
}) => (
  <details class="confirm" id={id}>
    <summary class="button danger">{open}</summary>
    <ApiForm action={action}>
      <p>{warning}</p>
      <button type="submit" class="danger">
        {confirm}
      </button>
    </ApiForm>
  </details>
)

/** A line diff: − removed, + added, the same lines kept for context. */
export const DiffBlock = ({ lines, label }: { lines: DiffLine[]; label: string }) => (
  <pre class="diff" tabindex={0} aria-label={label}>
    {lines.map((line) => (
      <span class={line.kind}>
        {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : '  '}
        {line.text}
      </span>
    ))}
  </pre>
)
