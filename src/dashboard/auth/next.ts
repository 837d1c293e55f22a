/**
 * @module Where sign-in sends the visitor next: a path of this origin only. `next` is resolved as a
 * browser resolves a `Location` (the WHATWG URL parser drops tabs and newlines, reads `\` as `/`,
 * `//host` as another host), and kept only when it lands on the same origin; the redirect is then
 * the path and query it resolved to, which must resolve back to this origin too (`/.//evil` resolves
 * to the path `//evil`).
 */

/** The same-origin path and query `next` resolves to against `origin`, else `/`. */
export function safeNext(next: string | undefined, origin: string): string {
  const resolved = URL.parse(next ?? '/', origin)
  if (resolved === null || resolved.origin !== origin) return '/'
  const path = resolved.pathname + resolved.search
  return URL.parse(path, origin)?.origin === origin ? path : '/'
}
