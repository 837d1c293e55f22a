import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { StoredFlow } from '../../../src/store/d1/flows'
import { latestFlow, rememberFlow } from '../../../src/store/d1/latest-flow'
import { FlowDefinition } from '../../../src/flow/schema'
import { uniqueId } from '../../helpers/api'

const revision = (id: string, latestRevision: number): StoredFlow => ({
  id,
  latestRevision,
  enabled: true,
  watchesExecutions: false,
  consumesQueues: false,
  receivesEmail: false,
  createdAt: 0,
  updatedAt: 0,
  nextScheduledAt: null,
  definition: FlowDefinition.parse({ tasks: [{ id: 'x', type: 'log', message: '.' }] }),
})

describe('the latest flow an isolate remembers', () => {
  it('is never replaced by an older revision finishing later (concurrent PUTs)', async () => {
    const id = uniqueId()
    const now = Date.now()
    rememberFlow(id, revision(id, 3), now)
    rememberFlow(id, revision(id, 2), now)
    expect((await latestFlow(env.DB, id, { now }))?.latestRevision).toBe(3)
    rememberFlow(id, { ...revision(id, 3), enabled: false }, now)
    expect((await latestFlow(env.DB, id, { now }))?.enabled).toBe(false)
  })
})
