import { describe, expect, it } from 'vitest'
import { IndexSync } from '../../src/runtime/index-sync'
import type { ExecutionRow } from '../../src/store/execution/schema'

const row = (version: number) => ({ version }) as ExecutionRow

const setup = (indexed: number) => {
  const sent: number[] = []
  const written: number[] = []
  const sync = new IndexSync(
    indexed,
    async (r) => void sent.push(r.version),
    () => 1_000,
  )
  const send = (version: number) =>
    sync.sync(
      row(version),
      (v) => written.push(v),
      () => undefined,
    )
  return { sync, sent, written, send }
}

describe('IndexSync', () => {
  it('loaded from storage, sends the version the queue accepted once more, without arming the alarm for it', async () => {
    const { sync, sent, written, send } = setup(3)
    sync.repair()
    expect(sync.wakeAt(3)).toBeNull()
    await send(3)
    expect(send(3)).toBeNull()
    expect(sent).toEqual([3])
    expect(written).toEqual([3])
  })

  it('owes a summary the dead-letter queue handed back, guarded by the alarm until the queue takes it', async () => {
    const { sync, sent, written, send } = setup(3)
    sync.reindex()
    expect(sync.wakeAt(3)).toBe(11_000)
    await send(3)
    expect(sent).toEqual([3])
    expect(written).toEqual([3])
    expect(sync.wakeAt(3)).toBeNull()
  })

  it('keeps the guard of a debt where it was while the debt lasts, and sets it again from now once it passed', async () => {
    let now = 1_000
    const sync = new IndexSync(
      0,
      async () => undefined,
      () => now,
    )
    expect(sync.wakeAt(1)).toBe(11_000)
    now = 4_000
    // a later flush of the same debt, a newer version included: the alarm stays where it is
    expect(sync.wakeAt(2)).toBe(11_000)
    now = 11_000
    expect(sync.wakeAt(2)).toBe(21_000)
    await sync.sync(
      row(2),
      () => undefined,
      () => undefined,
    )
    expect(sync.wakeAt(2)).toBeNull()
    now = 30_000
    // a new debt: a new guard
    expect(sync.wakeAt(3)).toBe(40_000)
  })
})
