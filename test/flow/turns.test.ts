import { beforeEach, describe, expect, it } from 'vitest'
import {
  AFTER_ANSWER_STEPS,
  IDLE_STEPS_PER_TURN,
  serving,
  spend,
  STEPS_PER_TURN,
  TASK_STEPS,
  turned,
} from '../../src/flow/turns'

/** Work past the window after an answer where turns stay frequent: the isolate is quiet again. */
function quiet(): void {
  spend(IDLE_STEPS_PER_TURN)
  turned()
}

/** Spends `steps` one task at a time; the steps spent when a turn was first owed (null: never). */
function owedAfter(steps: number): number | null {
  for (let spent = TASK_STEPS; spent <= steps; spent += TASK_STEPS) if (spend(TASK_STEPS)) return spent
  return null
}

/** A request in flight until `settle` is called, as the Worker's events are counted. */
function inFlight(): { settle: () => void; done: Promise<void> } {
  let settle = () => {}
  const done = serving(() => new Promise<void>((resolve) => (settle = resolve)))
  return { settle, done }
}

describe('turns', () => {
  beforeEach(quiet)

  it('are owed only after IDLE_STEPS_PER_TURN of work while no request is in flight', () => {
    expect(owedAfter(IDLE_STEPS_PER_TURN * 2)).toBe(IDLE_STEPS_PER_TURN)
  })

  it('are owed after STEPS_PER_TURN while a request is in flight, and for AFTER_ANSWER_STEPS after its answer', async () => {
    const request = inFlight()
    expect(owedAfter(IDLE_STEPS_PER_TURN)).toBe(STEPS_PER_TURN)
    turned()
    request.settle()
    await request.done
    // the client just answered may ask again: turns stay frequent for AFTER_ANSWER_STEPS of work
    for (let spent = STEPS_PER_TURN; spent <= AFTER_ANSWER_STEPS; spent += STEPS_PER_TURN) {
      expect(owedAfter(IDLE_STEPS_PER_TURN)).toBe(STEPS_PER_TURN)
      turned()
    }
    // then rare again
    expect(owedAfter(IDLE_STEPS_PER_TURN * 2)).toBe(IDLE_STEPS_PER_TURN)
  })

  it('see a request that arrives once the idle work has passed STEPS_PER_TURN', async () => {
    expect(owedAfter(STEPS_PER_TURN * 2)).toBeNull()
    const request = inFlight()
    // looked at every 1,000 steps at most: the request is seen within that
    expect(owedAfter(1_000)).not.toBeNull()
    request.settle()
    await request.done
  })

  it('count a request that fails as answered', async () => {
    await expect(serving(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    quiet()
    expect(owedAfter(STEPS_PER_TURN * 2)).toBeNull()
  })

  it('are owed no more after a turn', () => {
    expect(owedAfter(IDLE_STEPS_PER_TURN)).toBe(IDLE_STEPS_PER_TURN)
    turned()
    expect(spend(TASK_STEPS)).toBe(false)
  })
})
