/**
 * @module Log lines grouped by task run and attempt (pure): parallel runs write interleaved lines,
 * and an operator reads one attempt at a time. Groups come in the order of their first line; the
 * lines of a group keep their order.
 */

/** What grouping needs of a line (the API's LogLine has more). */
export interface GroupableLine {
  taskId: string | null
  taskRunId: number | null
  attempt: number | null
}

export interface LogGroup<T extends GroupableLine> {
  /** Stable among the page's groups: `execution`, `run-<id>` or `run-<id>-attempt-<n>`. */
  key: string
  taskId: string | null
  /** null: the execution's own lines (no run). */
  taskRunId: number | null
  /** null: lines of the run before any attempt, or of the execution. */
  attempt: number | null
  lines: T[]
}

const keyOf = ({ taskRunId, attempt }: GroupableLine) =>
  taskRunId === null ? 'execution' : attempt === null ? `run-${taskRunId}` : `run-${taskRunId}-attempt-${attempt}`

export function groupLogLines<T extends GroupableLine>(lines: readonly T[]): LogGroup<T>[] {
  const groups = new Map<string, LogGroup<T>>()
  for (const line of lines) {
    const key = keyOf(line)
    const group = groups.get(key)
    if (group) group.lines.push(line)
    else groups.set(key, { key, taskId: line.taskId, taskRunId: line.taskRunId, attempt: line.attempt, lines: [line] })
  }
  return [...groups.values()]
}
