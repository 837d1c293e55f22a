import { describe, expect, it } from 'vitest'
import { WakeLedger } from '../../src/runtime/wake-ledger'

/** The ledger's count as storage keeps it. */
function stored() {
  let count = 0
  return { unfinishedWakes: () => count, setUnfinishedWakes: (next: number) => void (count = next) }
}

/** A ledger whose last wake returned with the next one due soon: that one's mark is written ahead. */
function markedAhead(store: ReturnType<typeof stored>): WakeLedger {
  const ledger = new WakeLedger(store)
  ledger.begin()
  ledger.finish(true)
  return ledger
}

describe('the wake ledger', () => {
  it('counts the wakes in a row that never returned', () => {
    const store = stored()
    new WakeLedger(store).begin()
    new WakeLedger(store).begin()
    expect(new WakeLedger(store).begin()).toEqual({ unfinished: 2, ahead: false })
  })

  it('writes each wake down before it runs and crosses it out when it returns, or writes the mark of the next if it is due soon', () => {
    const store = stored()
    const ledger = new WakeLedger(store)
    expect(ledger.begin()).toEqual({ unfinished: 0, ahead: false })
    expect(store.unfinishedWakes()).toBe(1)
    ledger.finish(true)
    expect(store.unfinishedWakes()).toBe(1)
    // the wake due soon does not write its mark again
    expect(ledger.begin()).toEqual({ unfinished: 0, ahead: true })
    expect(store.unfinishedWakes()).toBe(1)
    ledger.finish()
    expect(store.unfinishedWakes()).toBe(0)
  })

  it('writes nothing when the next mark is the count storage holds already (a wake that follows another)', () => {
    const writes: number[] = []
    let count = 0
    const ledger = new WakeLedger({
      unfinishedWakes: () => count,
      setUnfinishedWakes: (next) => void writes.push((count = next)),
    })
    ledger.begin()
    expect(ledger.finish(true)).toBe(false)
    expect(ledger.begin()).toEqual({ unfinished: 0, ahead: true })
    expect(ledger.finish(true)).toBe(false)
    expect(ledger.begin()).toEqual({ unfinished: 0, ahead: true })
    expect(ledger.finish()).toBe(true)
    // its first wake's mark, then the last one crossed out
    expect(writes).toEqual([1, 0])
  })

  it('writes the mark ahead when storage holds another count (wakes that died before)', () => {
    const store = stored()
    store.setUnfinishedWakes(1)
    const ledger = new WakeLedger(store)
    expect(ledger.begin()).toEqual({ unfinished: 1, ahead: false })
    expect(ledger.finish(true)).toBe(true)
    expect(store.unfinishedWakes()).toBe(1)
  })

  it('counts as usual when the count is not the mark it wrote ahead', () => {
    const store = stored()
    const ledger = markedAhead(store)
    store.setUnfinishedWakes(3)
    expect(ledger.begin()).toEqual({ unfinished: 3, ahead: false })
  })

  it('counts a mark written ahead as a wake that did not finish in an instance started afresh (it may have died)', () => {
    const store = stored()
    markedAhead(store)
    // the wake it was written for began and took the isolate down: the next instance counts it
    expect(new WakeLedger(store).begin()).toEqual({ unfinished: 1, ahead: false })
    expect(store.unfinishedWakes()).toBe(2)
  })
})
