/** @module Walking a parsed JSONata expression. */

/** Every object in a parsed JSONata expression (nodes, their arguments, regex literals), once each, without recursion. */
export function astNodes(ast: unknown): object[] {
  const found: object[] = []
  const seen = new Set<object>()
  const pending: unknown[] = [ast]
  while (pending.length > 0) {
    const node = pending.pop()
    if (node === null || typeof node !== 'object' || seen.has(node)) continue
    seen.add(node)
    found.push(node)
    if (!(node instanceof RegExp)) pending.push(...Object.values(node))
  }
  return found
}
