import { describe, expect, it } from 'vitest'
import { isFlowId } from '../../src/cli/push'
import { FlowId } from '../../src/domain/flow-ids'

describe("flows push's flow id rule", () => {
  it('gives the verdicts of the server’s FlowId', () => {
    const names = ['greet', '_x', 'A1_b', 'orders-fixed', '1st', '', 'a'.repeat(64), 'a'.repeat(65), 'é', 'a b', 'a.b']
    expect(names.map(isFlowId)).toEqual(names.map((name) => FlowId.safeParse(name).success))
  })
})
