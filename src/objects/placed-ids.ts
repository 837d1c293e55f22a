/**
 * @module Execution ids made in their flow's jurisdiction (docs/flows.md, Placement). A Durable
 * Object id encodes the jurisdiction it was made in and `idFromString` on the plain namespace reads
 * it back, so every lookup of an execution id (objects/stubs.ts) reaches objects of any
 * jurisdiction without naming it: only making an id must name it.
 */
import type { Env } from '../env'
import { Jurisdiction } from '../flow/placement'

/** Making an id in a jurisdiction failed: workerd (`wrangler dev`) implements none. */
export class JurisdictionUnavailable extends Error {
  readonly type = 'jurisdiction_unavailable'

  constructor(
    readonly jurisdiction: Jurisdiction,
    cause: unknown,
  ) {
    super(
      `this runtime cannot create executions in jurisdiction ${jurisdiction} (${cause instanceof Error ? cause.message : String(cause)}): ` +
        'Durable Object jurisdictions work once deployed, wrangler dev (workerd) implements none',
    )
  }
}

/**
 * The namespace objects of a jurisdiction are made in (the namespace itself for none). Only ids made
 * here need it: one made in a jurisdiction names it in its text, read back from any namespace.
 */
export function placedNamespace<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  jurisdiction: Jurisdiction | undefined,
): DurableObjectNamespace<T> {
  if (!jurisdiction) return namespace
  try {
    return namespace.jurisdiction(jurisdiction)
  } catch (error) {
    throw new JurisdictionUnavailable(jurisdiction, error)
  }
}

/** A new execution's id: its object's unique id, reached with no global lookup, in the jurisdiction when one is given. */
export const newExecutionId = (env: Env, jurisdiction?: Jurisdiction): string =>
  placedNamespace(env.EXECUTIONS, jurisdiction).newUniqueId().toString()

/**
 * The id of an execution found by name (a UUID derived from a seed, domain/ids.ts). Without a
 * jurisdiction, the UUID, reached by name as always; in one, the id that name has in the
 * jurisdiction's namespace, as its 64 hex digits: the same name always gives the same id, and its
 * text reaches it from anywhere as a unique id's does.
 */
export const namedExecutionId = (env: Env, name: string, jurisdiction?: Jurisdiction): string =>
  jurisdiction ? placedNamespace(env.EXECUTIONS, jurisdiction).idFromName(name).toString() : name

/**
 * The id a subflow's child starts under: the one its parent's attempt drew, in the parent's
 * jurisdiction, unless the child's flow names another — then that id's name in the child's, the
 * same child for the same attempt however often it starts.
 */
export const childExecutionId = (
  env: Env,
  drawn: string,
  own: Jurisdiction | undefined,
  parents: Jurisdiction | undefined,
): string => (own && own !== parents ? namedExecutionId(env, drawn, own) : drawn)

/** The jurisdiction an object's own id was made in (none for an object outside every jurisdiction). */
export const jurisdictionOfId = (id: DurableObjectId): Jurisdiction | undefined => {
  const parsed = Jurisdiction.safeParse(id.jurisdiction)
  return parsed.success ? parsed.data : undefined
}
