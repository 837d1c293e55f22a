import { describe, expect, it } from 'vitest'
import { FlowDefinition } from '../../src/flow/schema'
import { type Ended, MAX_REACTION_DEPTH, reactionsTo, type Watcher } from '../../src/flow/reactions'

const ended = (fields: Partial<Ended> = {}): Ended => ({
  id: 'e1',
  flowId: 'orders',
  status: 'failed',
  labels: null,
  reactionDepth: null,
  ...fields,
})

const watcher = (flowId: string, triggers: Watcher['triggers']): Watcher => ({
  flowId,
  revision: 1,
  definition: FlowDefinition.parse({ tasks: [{ id: 'a', type: 'log', message: 'x' }] }),
  triggers,
})

const started = (executions: Ended[], watchers: Watcher[]) =>
  reactionsTo(executions, watchers).map((start) => `${start.watcher.flowId}<-${start.ended.id}`)

describe('reactionsTo', () => {
  it('matches the flow, the status and every label of a trigger', () => {
    const alert = watcher('alert', [
      { type: 'execution', flowId: 'orders', statuses: ['failed'], labels: { tier: 'gold' } },
    ])
    expect(started([ended({ labels: { tier: 'gold', x: '1' } })], [alert])).toEqual(['alert<-e1'])
    expect(started([ended({ labels: { tier: 'free' } })], [alert])).toEqual([])
    expect(started([ended({ labels: null })], [alert])).toEqual([])
    expect(started([ended({ labels: { tier: 'gold' }, status: 'completed' })], [alert])).toEqual([])
    expect(started([ended({ labels: { tier: 'gold' }, flowId: 'other' })], [alert])).toEqual([])
  })

  it('starts a flow once per ended execution, however many of its triggers match; any flow without flowId', () => {
    const any = watcher('audit', [
      { type: 'execution', statuses: ['failed', 'killed'] },
      { type: 'execution', flowId: 'orders', statuses: ['failed'] },
    ])
    expect(started([ended(), ended({ id: 'e2', flowId: null, status: 'killed' })], [any])).toEqual([
      'audit<-e1',
      'audit<-e2',
    ])
  })

  it('starts nothing for an execution at the end of a chain of reactions', () => {
    const loop = watcher('loop', [{ type: 'execution', statuses: ['failed'] }])
    expect(started([ended({ reactionDepth: MAX_REACTION_DEPTH - 1 })], [loop])).toEqual(['loop<-e1'])
    expect(started([ended({ reactionDepth: MAX_REACTION_DEPTH })], [loop])).toEqual([])
  })
})
