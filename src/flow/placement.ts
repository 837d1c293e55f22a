/**
 * @module Where a flow's executions live (README, Placement): a Durable Object is created near the
 * first request that uses it unless a location hint says where. A flow's `placement.locationHint`
 * is passed when each of its executions' objects is created (objects/stubs.ts `launch`); a
 * subflow whose flow has none is created where its parent's flow asked.
 */
import * as z from 'zod'

/** The location hints Durable Objects accept (Cloudflare docs, Data location). */
export const LocationHint = z.enum(['wnam', 'enam', 'sam', 'weur', 'eeur', 'apac', 'oc', 'afr', 'me'])
export type LocationHint = z.infer<typeof LocationHint>

export const Placement = z.strictObject({
  /** The region the executions' objects are created in (best effort, as the platform places them). */
  locationHint: LocationHint.optional(),
})
export type Placement = z.infer<typeof Placement>
