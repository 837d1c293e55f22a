/**
 * A group of test files run as one: each file's tests under a describe named by its path. `npm test`
 * runs the groups of test/groups/ so that workerd's per-file setup (a runtime and the Worker's whole
 * module graph) is paid once a group, not once a file (README, Development).
 */
import { evictAllDurableObjects } from 'cloudflare:test'
import { afterAll, describe } from 'vitest'

export function group(files: Record<string, () => Promise<unknown>>): void {
  for (const [file, load] of Object.entries(files)) {
    describe(file.replace(/^(\.\.\/)+/, 'test/'), async () => {
      // the objects a file woke leave memory with it, as they did with a runtime of its own (storage and alarms stay)
      afterAll(() => evictAllDurableObjects())
      await load()
    })
  }
}
