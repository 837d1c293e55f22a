/**
 * @module Where a flow's executions live (README, Placement): a Durable Object is created near the
 * first request that uses it unless a location hint says where. A flow's `placement.locationHint`
 * is passed when each of its executions' objects is created (objects/stubs.ts `launch`); a
 * subflow whose flow has none is created where its parent's flow asked. A `jurisdiction` puts them
 * in that jurisdiction's namespace (objects/placed-ids.ts), a subflow in its parent's unless its
 * own flow names one.
 */
import * as z from 'zod'

/** The location hints Durable Objects accept (Cloudflare docs, Data location). */
export const LocationHint = z.enum(['wnam', 'enam', 'sam', 'weur', 'eeur', 'apac', 'oc', 'afr', 'me'])
export type LocationHint = z.infer<typeof LocationHint>

/** The jurisdictions a Durable Object can be restricted to (Cloudflare docs, Data location). */
export const Jurisdiction = z.enum(['eu', 'fedramp', 'fedramp-high', 'us'])
export type Jurisdiction = z.infer<typeof Jurisdiction>

export const Placement = z.strictObject({
  /** The region the executions' objects are created in (best effort, as the platform places them). */
  locationHint: LocationHint.optional(),
  /** Where the executions' objects may run and keep their data, and nowhere else. */
  jurisdiction: Jurisdiction.optional(),
})
export type Placement = z.infer<typeof Placement>
