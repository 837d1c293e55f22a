import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  admissionOrder,
  AGEING_MS,
  effectivePriority,
  OVERTAKE_BOUND_MS,
  type Queued,
  queueRank,
} from '../../src/core/priority'
import { MAX_PRIORITY } from '../../src/flow/flow-control'

const queued = (seq: number, priority: number, since: number): Queued => ({ seq, priority, since })
const seqs = (queue: Queued[]) => admissionOrder(queue).map((entry) => entry.seq)

describe('the order of a queue', () => {
  it('is by priority, higher first', () => {
    expect(seqs([queued(1, 0, 0), queued(2, 5, 10), queued(3, 1, 20)])).toEqual([2, 3, 1])
  })

  it('is first in, first out within a priority', () => {
    expect(seqs([queued(3, 2, 30), queued(1, 2, 10), queued(2, 2, 20)])).toEqual([1, 2, 3])
    // the same rank (arrived later by exactly its extra priority): arrival order decides
    expect(seqs([queued(2, 1, AGEING_MS), queued(1, 0, 0)])).toEqual([1, 2])
  })

  it('ages: a low priority that waited long enough goes before a newer high one', () => {
    const old = queued(1, 0, 0)
    expect(seqs([old, queued(2, 5, 4 * AGEING_MS)])).toEqual([2, 1])
    expect(seqs([old, queued(2, 5, 6 * AGEING_MS)])).toEqual([1, 2])
  })

  it('is the order of effective priorities at any time', () => {
    const queue = [queued(1, 0, 0), queued(2, 3, 90_000), queued(3, -2, 5_000), queued(4, 3, 200_000)]
    for (const now of [200_000, 1_000_000, 10_000_000]) {
      const effective = admissionOrder(queue).map((entry) => effectivePriority(entry, now))
      expect([...effective].sort((a, b) => b - a)).toEqual(effective)
    }
  })

  it('never lets an execution arriving OVERTAKE_BOUND_MS or more later go first', () => {
    const priority = fc.integer({ min: -MAX_PRIORITY, max: MAX_PRIORITY })
    fc.assert(
      fc.property(priority, priority, fc.integer({ min: 0, max: 10 * OVERTAKE_BOUND_MS }), (low, high, gap) => {
        const [first] = admissionOrder([queued(1, low, 0), queued(2, high, gap)])
        if (gap >= OVERTAKE_BOUND_MS) expect(first?.seq).toBe(1)
        // and one that overtakes arrived within its priority's head start
        if (first?.seq === 2) expect(gap).toBeLessThanOrEqual((high - low) * AGEING_MS)
      }),
    )
  })

  it('ranks by arrival moved earlier by priority', () => {
    expect(queueRank(0, 1_000)).toBe(1_000)
    expect(queueRank(2, 1_000)).toBe(1_000 - 2 * AGEING_MS)
  })
})
