/**
 * @module The progress display of `watch` and `--wait`, on standard error so that standard output
 * keeps only the result: on a terminal one line redrawn at each poll, elsewhere (CI logs, pipes) a
 * line per change of status.
 */
import type { Execution } from '../client/types.ts'
import { duration, when } from './format.ts'

const RUN_ENDED = new Set(['completed', 'warning', 'failed', 'killed', 'skipped'])

/** What the execution is doing, in a few words: the waited event, the wake time, the running tasks. */
function activity(execution: Execution): string | null {
  const waiting = execution.taskRuns.find((run) => run.waitingFor !== null)
  if (waiting) return `waiting for event ${waiting.waitingFor}`
  if (execution.wakeAt) return `wakes at ${when(execution.wakeAt)}`
  const running = execution.taskRuns.filter((run) => run.status === 'running').map((run) => run.taskId)
  if (running.length === 0) return null
  return `running ${running.slice(0, 3).join(', ')}${running.length > 3 ? ` and ${running.length - 3} more` : ''}`
}

/** One line: status, task runs ended, time since the watch began, activity. */
export function progressText(execution: Execution, elapsedMs: number): string {
  const ended = execution.taskRuns.filter((run) => RUN_ENDED.has(run.status)).length
  const parts = [
    execution.status,
    `${ended}/${execution.taskRunCount} task runs ended`,
    duration(elapsedMs),
    activity(execution),
  ]
  return parts.filter((part) => part !== null).join(' · ')
}

/**
 * The line cut to the terminal's width less one column (a line that fills the last column wraps on
 * some terminals, and the next redraw would clear only its second half), marked by `…` when cut.
 */
export function fitted(line: string, columns: number): string {
  const width = Math.max(1, columns - 1)
  const chars = Array.from(line)
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`
}

export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const CLEAR_LINE = '\r\x1b[2K'
const TICK_MS = 200

export class Progress {
  private readonly stream: ProgressStream
  private readonly clock: () => number
  private readonly started: number
  private frame = 0
  private lastStatus: string | null = null
  private last: Execution | null = null
  /** On a terminal the line is redrawn between polls too, so that its clock and spinner move. */
  private ticker: ReturnType<typeof setInterval> | null = null

  constructor(stream: ProgressStream, clock: () => number = Date.now) {
    this.stream = stream
    this.clock = clock
    this.started = clock()
  }

  /** Shows the execution as the last poll found it. */
  update(execution: Execution): void {
    this.last = execution
    if (this.stream.isTTY) {
      this.draw(execution)
      this.ticker ??= setInterval(() => this.last && this.draw(this.last), TICK_MS)
      // a redraw never keeps the process alive
      this.ticker.unref?.()
    } else if (execution.status !== this.lastStatus) {
      this.stream.write(`${execution.id} ${progressText(execution, this.clock() - this.started)}\n`)
    }
    this.lastStatus = execution.status
  }

  private draw(execution: Execution): void {
    const text = progressText(execution, this.clock() - this.started)
    const line = `${FRAMES[this.frame++ % FRAMES.length]} ${execution.id.slice(0, 8)} ${text}`
    this.stream.write(`${CLEAR_LINE}${fitted(line, this.stream.columns ?? 100)}`)
  }

  /** Stops the redraws and clears the line, so that what follows starts on a clean one. */
  end(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = null
    if (this.stream.isTTY) this.stream.write(CLEAR_LINE)
  }
}
