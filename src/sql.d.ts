/** SQL migrations are bundled as text (wrangler `[[rules]]` type "Text"). */
declare module '*.sql' {
  const sql: string
  export default sql
}
