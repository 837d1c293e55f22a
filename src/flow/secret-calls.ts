/** @module The secrets an expression names literally, found in its parsed JSONata (flow/expression.ts). */
import { astNodes } from './ast'

/** The literal names of the `$secret('NAME')` calls in a parsed JSONata expression. */
export function secretCalls(ast: unknown): string[] {
  const names: string[] = []
  for (const node of astNodes(ast)) {
    const call = node as { type?: unknown; procedure?: { type?: unknown; value?: unknown }; arguments?: unknown[] }
    const first = call.arguments?.[0] as { type?: unknown; value?: unknown } | undefined
    if (call.type === 'function' && call.procedure?.type === 'variable' && call.procedure.value === 'secret') {
      if (first?.type === 'string') names.push(String(first.value))
    }
  }
  return names
}
