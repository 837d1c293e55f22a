import { describe, expect, it } from 'vitest'
import type { SlotRef } from '../../src/core/admission'
import { PendingWrites } from '../../src/runtime/pending-writes'
import { Slot, SLOT_RETRY_MS, type SlotPort } from '../../src/runtime/slot'

const REF: SlotRef = { coordinator: 'flow:key', limit: 2, onLimit: 'queue' }

function setup(overrides: Partial<SlotPort> = {}, ref: SlotRef | null = REF) {
  const writes = new PendingWrites([], 0, 0)
  const logs: string[] = []
  const pending: Promise<unknown>[] = []
  /** What storage held at each flush: the timers owed. */
  const flushed: number[][] = []
  const port: SlotPort = {
    now: () => 1_000,
    waitUntil: (promise) => void pending.push(promise),
    acquire: async () => ({ outcome: 'granted' }),
    release: async () => undefined,
    ...overrides,
  }
  const host = {
    flush: () => void flushed.push(writes.dueTimes()),
    log: (_: unknown, message: string) => logs.push(message),
  }
  const slot = new Slot(port, writes, host, ref, 'exec_1')
  return { slot, writes, logs, flushed, settled: () => Promise.allSettled(pending) }
}

describe('the concurrency slot of an execution', () => {
  it('writes the question down before asking, and crosses it out with the answer', async () => {
    const { slot, flushed } = setup({ acquire: async () => ({ outcome: 'queued', ahead: 3 }) })
    const asking = slot.acquire()
    expect(slot.acquiring).toBe(true)
    expect(flushed).toEqual([[1_000 + SLOT_RETRY_MS]])
    expect(await asking).toEqual({ outcome: 'queued', ahead: 3 })
    expect(slot.acquiring).toBe(false)
  })

  it('keeps the question owed when the coordinator cannot answer, for the alarm to ask again', async () => {
    const { slot, logs } = setup({ acquire: async () => Promise.reject(new Error('coordinator reset')) })
    expect(await slot.acquire()).toBeNull()
    expect(slot.acquiring).toBe(true)
    expect(logs).toEqual(['could not ask for a concurrency slot: coordinator reset; retrying'])
  })

  it('owes the release from the end until the coordinator took it, and again after a failure', async () => {
    let fail = true
    const { slot, settled, logs } = setup({
      release: async () => (fail ? Promise.reject(new Error('unreachable')) : undefined),
    })
    slot.release()
    expect(slot.owed).toBe(true)
    await settled()
    expect(slot.owed).toBe(true)
    expect(logs).toEqual(['could not release the concurrency slot: unreachable; retrying'])
    fail = false
    slot.release()
    await settled()
    expect(slot.owed).toBe(false)
  })

  it('drops a question still owed when the execution ends: the release covers it', () => {
    const { slot } = setup({ acquire: () => new Promise(() => undefined) })
    void slot.acquire()
    slot.release()
    expect(slot.acquiring).toBe(false)
    expect(slot.owed).toBe(true)
  })

  it('asks nothing and owes nothing without a concurrency limit', async () => {
    const { slot, flushed } = setup({}, null)
    expect(await slot.acquire()).toEqual({ outcome: 'granted' })
    slot.release()
    expect(slot.owed).toBe(false)
    expect(flushed).toEqual([])
  })
})
