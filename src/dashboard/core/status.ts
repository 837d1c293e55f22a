/** @module How a status is shown: a word, a glyph and a colour class, never the colour alone (pure). */
import { FINAL_EXECUTION } from '../../core/transitions'
import type { ExecutionStatus, TaskRunStatus } from '../../domain/types'

/** An execution that ended (core/transitions.ts). */
export const isFinal = (status: string): boolean => (FINAL_EXECUTION as ReadonlySet<string>).has(status)

/** Every status of an execution and of a task run has one (the type fails to compile without). */
const GLYPHS: Record<ExecutionStatus | TaskRunStatus | 'backoff', string> = {
  pending: '○',
  queued: '◌',
  running: '▶',
  delayed: '◷',
  waiting: '◔',
  paused: '‖',
  killing: '✖',
  completed: '✔',
  warning: '⚠',
  failed: '✘',
  killed: '■',
  skipped: '↷',
  backoff: '↻',
}

/** A glyph that tells the status apart without colour (from blocks common fonts have: no emoji). */
export const glyphOf = (status: string): string => (GLYPHS as Record<string, string>)[status] ?? '•'

/** The CSS class that colours a status (`st-failed`). */
export const statusClass = (status: string): string => `st-${Object.hasOwn(GLYPHS, status) ? status : 'unknown'}`

/** "✘ failed": what every badge, node and bar says. */
export const statusText = (status: string): string => `${glyphOf(status)} ${status}`

/** Counts by status as text, most frequent first: "1,998 completed, 2 failed". */
export function countsText(counts: ReadonlyMap<string, number> | Record<string, number>): string {
  const entries = counts instanceof Map ? [...counts] : Object.entries(counts)
  return entries
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([status, count]) => `${count.toLocaleString('en-US')} ${status}`)
    .join(', ')
}
