import { describe, expect, it, vi } from 'vitest'
import { Outbox, type OutboxPort, TRACE_RETRY_MS } from '../../src/runtime/outbox'
import { TRACE_TIMER } from '../../src/core/timers'
import { INDEX_GUARD_MS } from '../../src/runtime/index-sync'
import { PendingWrites } from '../../src/runtime/pending-writes'
import type { ExecutionRow } from '../../src/store/execution/schema'

function setup(overrides: Partial<OutboxPort> = {}) {
  const writes = new PendingWrites([], 0, 0)
  const logs: string[] = []
  const indexed: number[] = []
  const pending: Promise<unknown>[] = []
  let flushes = 0
  const port: OutboxPort = {
    now: () => 1_000,
    waitUntil: (promise) => void pending.push(promise),
    index: async () => undefined,
    holdsIndex: () => false,
    notifyParent: async () => undefined,
    killChild: async () => undefined,
    exportTrace: async () => undefined,
    ...overrides,
  }
  const outbox = new Outbox(
    port,
    writes,
    { flush: () => (flushes += 1), log: (_, message) => logs.push(message), indexed: (v) => indexed.push(v) },
    0,
  )
  const settled = () => Promise.allSettled(pending)
  return { outbox, writes, logs, indexed, settled, flushes: () => flushes }
}

const row = (version: number) => ({ version }) as ExecutionRow

/** The runs a runner kept for the trace: none, here (the object reads storage). */
const kept = () => null

describe('the outbox', () => {
  it('keeps the parent notice owed, as a durable timer, until the parent takes it', async () => {
    const { outbox, settled } = setup()
    outbox.notifyParent(row(3))
    expect(outbox.owesParent).toBe(true)
    await settled()
    expect(outbox.owesParent).toBe(false)
  })

  it('keeps it owed and logs why when the parent cannot take it, for the timer to try again', async () => {
    const { outbox, settled, logs } = setup({ notifyParent: async () => Promise.reject(new Error('parent busy')) })
    outbox.notifyParent(row(3))
    await settled()
    expect(outbox.owesParent).toBe(true)
    expect(logs).toEqual(['could not notify the parent execution: parent busy; retrying'])
  })

  it('holds index writes back while an answer is made, the alarm still armed for them', async () => {
    let answering = true
    const written: number[] = []
    const { outbox, settled } = setup({ index: async (r) => void written.push(r.version), holdsIndex: () => answering })
    outbox.syncIndex(row(2))
    await settled()
    expect(written).toEqual([])
    expect(outbox.indexWakeAt(2)).toBe(1_000 + INDEX_GUARD_MS)
    answering = false
    outbox.syncIndex(row(2))
    await settled()
    expect(written).toEqual([2])
  })

  it('sends the summary to the index once per version, and tells which version the queue accepted', async () => {
    const written: number[] = []
    const { outbox, settled, indexed } = setup({ index: async (r) => void written.push(r.version) })
    outbox.syncIndex(row(2))
    outbox.syncIndex(row(2))
    await settled()
    outbox.syncIndex(row(2))
    expect(written).toEqual([2])
    expect(indexed).toEqual([2])
    expect(outbox.indexWakeAt(2)).toBeNull()
  })

  it('retries a failed send from the alarm, with back-off', async () => {
    const { outbox, settled, logs } = setup({ index: async () => Promise.reject(new Error('queue away')) })
    outbox.syncIndex(row(1))
    await settled()
    expect(outbox.indexWakeAt(1)).toBe(2_000)
    expect(logs).toEqual(['could not send the execution to the index: queue away; retrying'])
  })

  it('waits for every child it told to stop, and logs the ones that could not be told', async () => {
    const { outbox, logs } = setup({
      killChild: async (id) => (id === 'bad' ? Promise.reject(new Error('gone')) : undefined),
    })
    outbox.killChild('good')
    outbox.killChild('bad')
    expect(outbox.killing).toBe(true)
    await outbox.killsSettled()
    expect(outbox.killing).toBe(false)
    expect(logs).toEqual(['could not kill child execution bad: gone'])
  })

  it('owes the trace as a timer from the final state, sends it once the answer is out, and crosses it out', async () => {
    let answering = true
    const sent: number[] = []
    const { outbox, writes, settled } = setup({
      // the runs the runner kept, handed on (none kept here)
      exportTrace: async (r, runs) => void sent.push(runs === null ? r.version : -1),
      holdsIndex: () => answering,
    })
    outbox.owesTrace()
    expect(writes.has(TRACE_TIMER)).toBe(true)
    outbox.syncTrace(row(5), kept)
    await settled()
    expect(sent).toEqual([])
    answering = false
    outbox.syncTrace(row(5), kept)
    // a second sync while the first is in flight sends nothing more
    outbox.syncTrace(row(5), kept)
    await settled()
    expect(sent).toEqual([5])
    expect(outbox.tracePending).toBe(false)
  })

  it('crosses the trace out in the write of the index send started with it, when that one is answered last', async () => {
    const index = Promise.withResolvers<void>()
    const { outbox, writes, settled, indexed, flushes } = setup({ index: () => index.promise })
    outbox.owesTrace()
    outbox.syncIndex(row(5))
    outbox.syncTrace(row(5), kept)
    // the queue took the trace first: crossed out in memory, flushed by nobody yet
    await vi.waitUntil(() => !writes.has(TRACE_TIMER))
    expect(flushes()).toBe(0)
    // the index's answer writes its version: the host flushes the crossing out with it (runner.ts)
    index.resolve()
    await settled()
    expect(indexed).toEqual([5])
    expect(flushes()).toBe(0)
    // no index send in flight: the trace's answer flushes by itself
    const alone = setup()
    alone.outbox.owesTrace()
    alone.outbox.syncTrace(row(5), kept)
    await alone.settled()
    expect(alone.flushes()).toBe(1)
  })

  it('keeps the trace owed after a failed send until its timer fires, then sends it again', async () => {
    let fail = true
    const sent: number[] = []
    const { outbox, writes, settled, logs, flushes } = setup({
      exportTrace: async (r) => {
        if (fail) throw new Error('queue down')
        sent.push(r.version)
      },
    })
    outbox.owesTrace()
    outbox.syncTrace(row(5), kept)
    await settled()
    expect(logs).toEqual(['could not send the trace: queue down; retrying'])
    expect(outbox.tracePending).toBe(true)
    fail = false
    // no retry before the timer: the failed send does not loop
    outbox.syncTrace(row(5), kept)
    await settled()
    expect(sent).toEqual([])
    // the timer fires (the alarm takes its row) — after a restart, a new outbox finds the row alike
    expect(writes.due(1_000 + TRACE_RETRY_MS)).toEqual([TRACE_TIMER])
    const before = flushes()
    outbox.retryTrace()
    // the flush it asks for is what sends (the alarm's wake flushes nothing by itself)
    expect(flushes()).toBe(before + 1)
    outbox.syncTrace(row(5), kept)
    await settled()
    expect(sent).toEqual([5])
    expect(outbox.tracePending).toBe(false)
  })
})
