/**
 * @module Every request reads D1 through one session of D1's read replication (README, Performance):
 * the first read may go to the nearest replica (`first-unconstrained`), unless the request carries the
 * bookmark of an earlier write (`x-d1-bookmark`), which a replica must have reached before it answers
 * — read-your-writes for a client that PUTs a flow and then triggers it. A write's answer on `/api/*`
 * carries the session's bookmark.
 */
import type { MiddlewareHandler } from 'hono'
import type { Env } from '../../env'

export const BOOKMARK_HEADER = 'x-d1-bookmark'

/** The session with the D1 binding's shape, so that the stores need not know which they hold. */
function sessionDatabase(db: D1Database, session: D1DatabaseSession): D1Database {
  return {
    prepare: (query) => session.prepare(query),
    batch: (statements) => session.batch(statements),
    exec: (query) => db.exec(query),
    withSession: (constraint) => db.withSession(constraint),
    dump: () => db.dump(),
  }
}

export const d1Session = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function d1Session(c, next) {
    const session = c.env.DB.withSession(c.req.header(BOOKMARK_HEADER) || 'first-unconstrained')
    c.env = { ...c.env, DB: sessionDatabase(c.env.DB, session) }
    await next()
    const wrote = c.req.method !== 'GET' && c.req.method !== 'HEAD'
    // a webhook's answer is the flow's to decide: it gets no header of ours (nor asks for the bookmark)
    if (!wrote || !c.req.path.startsWith('/api/')) return
    const bookmark = session.getBookmark()
    if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark)
  }
