/** The path template of an OpenAPI document that a request's path matches (pure: tests and tools/ share it). */

/** The template of `paths` that `pathname` matches for `method`: `/hooks/{flowId}` for `/hooks/greet`. */
export function templateOf(
  paths: Record<string, Record<string, unknown>>,
  method: string,
  pathname: string,
): string | undefined {
  const matching = Object.keys(paths).filter(
    (template) =>
      paths[template]?.[method] !== undefined &&
      new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(decodeURI(pathname)),
  )
  // a literal segment wins over a parameter (`/api/executions/counts` over `/api/executions/{id}`)
  return matching.sort((a, b) => a.split('{').length - b.split('{').length)[0]
}
