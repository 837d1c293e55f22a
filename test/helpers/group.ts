/**
 * A group of test files run as one: each file's tests under a describe named by its path. `npm test`
 * runs the groups of test/groups/ so that workerd's per-file setup (a runtime and the Worker's whole
 * module graph) is paid once a group, not once a file (README, Development).
 */
import { describe } from 'vitest'

export function group(files: Record<string, () => Promise<unknown>>): void {
  for (const [file, load] of Object.entries(files)) {
    describe(file.replace(/^(\.\.\/)+/, 'test/'), async () => {
      await load()
    })
  }
}
