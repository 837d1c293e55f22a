/** @module The CLI's exit codes, one per way a command can end (README, Client and CLI). */
export const EXIT = {
  /** The command did what it was asked; a waited execution ended completed or warning. */
  ok: 0,
  /** The API answered an error (4xx/5xx) or could not be reached; `flows push` when any file failed. */
  api: 1,
  /** The command line is wrong: unknown command or option, missing argument, unreadable body file, an ambiguous id prefix. */
  usage: 2,
  /** A sync flow answered 5xx; a waited or watched execution ended failed or killed (or final in another status than awaited). */
  failed: 3,
  /** `--wait` or `watch` gave up after `--timeout`; the execution goes on. */
  timeout: 4,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]
