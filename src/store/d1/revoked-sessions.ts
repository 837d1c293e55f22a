/**
 * @module Signed-out dashboard sessions in D1. The checks read the database without a session of
 * D1's read replication, so they go to the primary, where the sign-out was written: a sign-out is
 * seen at once by every isolate. One read by primary key per dashboard request with a session.
 */
import { eq, lte } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { revokedSessions } from './schema'

const db = (d1: D1Database) => drizzle(d1)

/** Revokes the session `nonce` until `expires`, and forgets the revocations already past theirs, in one batch. */
export async function revokeSession(d1: D1Database, nonce: string, expires: number, now: number): Promise<void> {
  const orm = db(d1)
  await orm.batch([
    orm.delete(revokedSessions).where(lte(revokedSessions.expiresAt, now)),
    orm.insert(revokedSessions).values({ nonce, expiresAt: expires }).onConflictDoNothing(),
  ])
}

/** True when the session `nonce` was signed out. */
export async function isRevoked(d1: D1Database, nonce: string): Promise<boolean> {
  const row = await db(d1)
    .select({ nonce: revokedSessions.nonce })
    .from(revokedSessions)
    .where(eq(revokedSessions.nonce, nonce))
    .get()
  return row !== undefined
}
