/** Helpers for tests of flows that debounce or batch their triggers (objects/gatherer-object.ts). */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { MAX_GATHER_MS } from '../../src/flow/gather'
import { gathererOf } from '../../src/objects/gatherers'

/** The gatherer of a flow's key (the empty key: the flow's only one). */
export const gathererStub = (flowId: string, kind: 'debounce' | 'batch', key = '') => gathererOf(env, flowId, kind, key)

/** What the gatherer holds (null: nothing). */
export const gathered = async (flowId: string, kind: 'debounce' | 'batch', key = '') =>
  (await gathererStub(flowId, kind, key)).view()

/** Makes every window of the gatherer due, as if its period and timeout had passed, and runs its alarm. */
export async function gatherDueNow(flowId: string, kind: 'debounce' | 'batch', key = ''): Promise<void> {
  const stub = await gathererStub(flowId, kind, key)
  await runInDurableObject(stub, (_, state) => {
    state.storage.sql.exec(
      'UPDATE windows SET first_at = first_at - ?, last_at = last_at - ?',
      MAX_GATHER_MS,
      MAX_GATHER_MS,
    )
  })
  await runDurableObjectAlarm(stub)
}
