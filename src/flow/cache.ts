/** @module Compiled revisions cached in the isolate: a revision is immutable, so it never goes stale. */
import { type CompiledFlow, compileFlow } from './compile'
import type { FlowDefinition } from './schema'

const MAX_ENTRIES = 500
const compiled = new Map<string, CompiledFlow>()

/** The compiled form of a revision, compiling it on first use (an ad-hoc run's definition, of no flow, each time). */
export function compiledRevision(flowId: string | null, revision: number, definition: FlowDefinition): CompiledFlow {
  if (flowId === null) return compileFlow(flowId, revision, definition)
  const key = `${flowId}@${revision}`
  let flow = compiled.get(key)
  if (!flow) {
    flow = compileFlow(flowId, revision, definition)
    if (compiled.size >= MAX_ENTRIES) compiled.delete(compiled.keys().next().value as string)
    compiled.set(key, flow)
  }
  return flow
}
