/** Temporary folders for the CLI's tests, removed when the test process exits (they held only fixtures). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const made: string[] = []
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

/** A new empty folder under the system's temporary directory, named `edgeflow-<what>-…`. */
export function scratchDir(what: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `edgeflow-${what}-`))
  made.push(dir)
  return dir
}
