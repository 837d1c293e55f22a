import { describe, expect, it } from 'vitest'
import { IndexSync } from '../../src/runtime/index-sync'
import type { ExecutionRow } from '../../src/store/execution/schema'

const row = (version: number) => ({ version }) as ExecutionRow

describe('IndexSync.idle', () => {
  it('resolves only once the write in flight has landed or failed, so that a deletion comes after it', async () => {
    const pending: { resolve: () => void; reject: (error: Error) => void }[] = []
    const sync = new IndexSync(
      0,
      () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
      () => 0,
    )
    await sync.idle()
    let idle = false
    sync.sync(
      row(1),
      () => undefined,
      () => undefined,
    )
    void sync.idle().then(() => (idle = true))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(idle).toBe(false)
    pending[0]?.resolve()
    await sync.idle()
    expect(idle).toBe(true)

    sync.sync(
      row(2),
      () => undefined,
      () => undefined,
    )
    pending[1]?.reject(new Error('D1 is away'))
    await expect(sync.idle()).resolves.toBeUndefined()
  })
})
