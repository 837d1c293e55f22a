/** @module `subflow`: starts a child execution of another flow and (by default) waits for it. */
import * as z from 'zod'
import { FlowId } from '../domain/flow-ids'
import { defineAction } from './define'

export default defineAction({
  type: 'subflow',
  inline: false,
  params: {
    flowId: FlowId,
    revision: z.int().min(1).optional(),
    input: z.unknown().optional(),
    wait: z.boolean().default(true),
  },
  async run({ flowId, revision, input, wait }, { startChild, traceHeaders }) {
    const child = await startChild({ flowId, revision, body: input ?? {}, trace: traceHeaders })
    return { kind: 'child', executionId: child.executionId, wait, status: child.status, output: child.output }
  },
})
